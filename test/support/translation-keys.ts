// Finds every translation key the code in src/ can ask for, by reading the source with the
// TypeScript parser (no type checker: it would take most of a minute on two cores).
//
// A translation call is a call to `t`, `say` or `translate` (bare), or to a `.t` method
// (`turn.t`, `c.t`, `this.options.t`). Its key is the first argument, or the second when the first
// is a locale (`t(locale, key)`, `t(l, key)`, `t(r.locale, key)`). The key expression is reduced to
// the finite set of strings it can be:
//  - a literal, a conditional between keys, a template such as `staff.roles.${role}`;
//  - a name, followed to its declaration: a `const` (in this file or imported from another), a
//    parameter whose type is a union of literals or `(typeof LIST)[number]`, the element of a
//    list the code maps over (`LIST.map((x) => t(`p.${x}`))`, `for (const x of LIST)`);
//  - a part read from data (`item.code`, `r.role`, `s.zona`) through the `parts` table the caller
//    gives, keyed by the text before it (`staff.roles.`), whose values come from the code's lists.
// A key that cannot be reduced is reported, so that a new built key is either written so the scan
// understands it or added to the table; it is never skipped silently.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface KeyUse {
  key: string;
  /** `src/x.ts:12` */
  at: string;
}

export interface Unresolved {
  at: string;
  expression: string;
}

export interface ScanResult {
  uses: KeyUse[];
  unresolved: Unresolved[];
  /** Calls that only pass their own `key` parameter on (the `t` and `say` helpers): their callers are scanned. */
  forwarded: string[];
}

const CALL_NAMES = new Set(['t', 'say', 'translate']);
const LOCALE_NAMES = new Set(['l', 'locale', 'lng']);

export class TranslationScan {
  private readonly files = new Map<string, ts.SourceFile>();

  constructor(
    private readonly root: string,
    /** Values of a part read from data, by the template text before it (`staff.maladminItems.`). */
    private readonly parts: Record<string, readonly string[]>,
  ) {}

  scan(dir: string): ScanResult {
    const result: ScanResult = { uses: [], unresolved: [], forwarded: [] };
    for (const file of sourceFiles(dir)) {
      const source = this.parse(file);
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node)) this.call(source, node, result);
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    return result;
  }

  private parse(file: string): ts.SourceFile {
    let source = this.files.get(file);
    if (!source) {
      source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      this.files.set(file, source);
    }
    return source;
  }

  private where(node: ts.Node): string {
    const source = node.getSourceFile();
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    return `${path.relative(this.root, source.fileName)}:${line}`;
  }

  private call(source: ts.SourceFile, call: ts.CallExpression, result: ScanResult): void {
    const callee = call.expression;
    const bare = ts.isIdentifier(callee) && CALL_NAMES.has(callee.text);
    const method = ts.isPropertyAccessExpression(callee) && callee.name.text === 't';
    if (!bare && !method) return;
    // A local helper that happens to be called `t` but takes no key (the questionnaire's two-language text).
    if (bare && !this.takesKey(callee)) return;
    const [first, second] = call.arguments;
    if (!first) return;
    const keyArg = second && isLocale(first) ? second : first;
    if (this.forwardsOwnKey(keyArg)) {
      result.forwarded.push(this.where(call));
      return;
    }
    const keys = this.values(keyArg);
    if (keys === null) result.unresolved.push({ at: this.where(call), expression: keyArg.getText(source) });
    else for (const key of keys) result.uses.push({ key, at: this.where(call) });
  }

  /** False for a bare call whose local declaration is a function without a `key` or `locale` parameter. */
  private takesKey(callee: ts.Identifier): boolean {
    const decl = this.declaration(callee, callee.text);
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return true;
    const fn = decl.initializer;
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return true;
    return fn.parameters.some((p) => ts.isIdentifier(p.name) && (p.name.text === 'key' || p.name.text === 'locale'));
  }

  /** `key` that is a parameter of a function named t, say or translate, or returned as a Translate: a helper passing its key on. */
  private forwardsOwnKey(arg: ts.Expression): boolean {
    if (!ts.isIdentifier(arg)) return false;
    const decl = this.declaration(arg, arg.text);
    if (!decl || !ts.isParameter(decl)) return false;
    const fn = decl.parent;
    if (ts.isMethodDeclaration(fn)) return ts.isIdentifier(fn.name) && CALL_NAMES.has(fn.name.text);
    const holder = fn.parent;
    if (ts.isVariableDeclaration(holder)) return ts.isIdentifier(holder.name) && CALL_NAMES.has(holder.name.text);
    // `function wrap(t: Translate): Translate { return (locale, key) => t(locale, key); }`
    if (ts.isReturnStatement(holder)) {
      let outer: ts.Node | undefined = holder.parent;
      while (outer && !ts.isFunctionLike(outer)) outer = outer.parent;
      const returns = outer && ts.isFunctionLike(outer) ? outer.type : undefined;
      return returns !== undefined && ts.isTypeReferenceNode(returns) && ts.isIdentifier(returns.typeName) && returns.typeName.text === 'Translate';
    }
    return false;
  }

  /** Every string `expr` can be, or null when the scan cannot tell. */
  values(expr: ts.Expression): string[] | null {
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text];
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr) || ts.isNonNullExpression(expr)) {
      return this.values(expr.expression);
    }
    if (ts.isConditionalExpression(expr)) return union([this.values(expr.whenTrue), this.values(expr.whenFalse)]);
    if (ts.isArrayLiteralExpression(expr)) {
      return union(expr.elements.map((e) => (ts.isSpreadElement(e) ? this.values(e.expression) : this.values(e))));
    }
    if (ts.isTemplateExpression(expr)) return this.template(expr);
    if (ts.isIdentifier(expr)) return this.identifier(expr);
    return null;
  }

  private template(expr: ts.TemplateExpression): string[] | null {
    let texts = [expr.head.text];
    let before = expr.head.text;
    for (const span of expr.templateSpans) {
      const part = this.values(span.expression) ?? this.parts[before] ?? null;
      if (part === null) return null;
      texts = texts.flatMap((text) => part.map((p) => text + p + span.literal.text));
      before += `\${${span.expression.getText()}}${span.literal.text}`;
    }
    return texts;
  }

  private identifier(id: ts.Identifier): string[] | null {
    const decl = this.declaration(id, id.text);
    if (!decl) return null;
    if (ts.isVariableDeclaration(decl)) {
      // The loop variable of `for (const x of LIST)`: the list's elements.
      const list = decl.parent.parent;
      if (ts.isForOfStatement(list)) return this.values(list.expression);
      return decl.initializer ? this.values(decl.initializer) : null;
    }
    if (ts.isParameter(decl)) {
      if (decl.type) return this.typeValues(decl.type, decl);
      // The element of a list mapped over: `LIST.map((x) => ...)`.
      const fn = decl.parent;
      const call = fn.parent;
      if (
        fn.parameters[0] === decl &&
        ts.isCallExpression(call) &&
        ts.isPropertyAccessExpression(call.expression) &&
        ['map', 'flatMap', 'forEach', 'filter'].includes(call.expression.name.text)
      ) {
        return this.values(call.expression.expression);
      }
      return null;
    }
    if (ts.isImportSpecifier(decl)) {
      const exported = this.imported(decl);
      return exported && ts.isVariableDeclaration(exported) && exported.initializer ? this.values(exported.initializer) : null;
    }
    return null;
  }

  private typeValues(type: ts.TypeNode, at: ts.Node): string[] | null {
    if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return [type.literal.text];
    if (ts.isUnionTypeNode(type)) return union(type.types.map((t) => this.typeValues(t, at)));
    if (ts.isParenthesizedTypeNode(type)) return this.typeValues(type.type, at);
    // (typeof LIST)[number]
    if (ts.isIndexedAccessTypeNode(type) && type.indexType.kind === ts.SyntaxKind.NumberKeyword) {
      const object = ts.isParenthesizedTypeNode(type.objectType) ? type.objectType.type : type.objectType;
      if (ts.isTypeQueryNode(object) && ts.isIdentifier(object.exprName)) return this.identifier(object.exprName);
      return null;
    }
    if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && !type.typeArguments) {
      let decl = this.declaration(at, type.typeName.text);
      if (decl && ts.isImportSpecifier(decl)) decl = this.imported(decl);
      return decl && ts.isTypeAliasDeclaration(decl) ? this.typeValues(decl.type, decl) : null;
    }
    return null;
  }

  /** The declaration of `name` visible at `at`, walking out through functions, blocks and the file. */
  private declaration(at: ts.Node, name: string): ts.Node | undefined {
    for (let node: ts.Node | undefined = at; node; node = node.parent) {
      if (ts.isFunctionLike(node)) {
        const param = node.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name);
        if (param) return param;
      }
      if (ts.isForOfStatement(node) && ts.isVariableDeclarationList(node.initializer)) {
        const found = node.initializer.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name);
        if (found) return found;
      }
      if (ts.isBlock(node) || ts.isSourceFile(node) || ts.isCaseClause(node) || ts.isModuleBlock(node)) {
        const found = declaredIn(node.statements, name);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** The declaration an import names, in the imported file of src/. */
  private imported(spec: ts.ImportSpecifier): ts.Node | undefined {
    const declaration = spec.parent.parent.parent;
    if (!ts.isImportDeclaration(declaration) || !ts.isStringLiteral(declaration.moduleSpecifier)) return undefined;
    return this.exportedFrom(spec.getSourceFile().fileName, declaration.moduleSpecifier.text, (spec.propertyName ?? spec.name).text);
  }

  /** The declaration `name` exported by the module `specifier` imports, following `export … from` (depth-limited). */
  private exportedFrom(fromFile: string, specifier: string, name: string, depth = 0): ts.Node | undefined {
    if (!specifier.startsWith('.') || depth > 5) return undefined;
    const file = path.resolve(path.dirname(fromFile), specifier.replace(/\.js$/, '.ts'));
    if (!fs.existsSync(file)) return undefined;
    const statements = this.parse(file).statements;
    const own = declaredIn(statements, name);
    if (own) return own;
    for (const statement of statements) {
      if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const clause = statement.exportClause;
      const named = clause && ts.isNamedExports(clause) ? clause.elements.find((e) => e.name.text === name) : undefined;
      if (clause && !named) continue;
      const found = this.exportedFrom(file, statement.moduleSpecifier.text, named ? (named.propertyName ?? named.name).text : name, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
}

function declaredIn(statements: ts.NodeArray<ts.Statement>, name: string): ts.Node | undefined {
  for (const statement of statements) {
    if (ts.isVariableStatement(statement)) {
      const found = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name);
      if (found) return found;
    }
    if ((ts.isTypeAliasDeclaration(statement) || ts.isFunctionDeclaration(statement)) && statement.name?.text === name) return statement;
    if (ts.isImportDeclaration(statement) && statement.importClause?.namedBindings && ts.isNamedImports(statement.importClause.namedBindings)) {
      const found = statement.importClause.namedBindings.elements.find((e) => e.name.text === name);
      if (found) return found;
    }
  }
  return undefined;
}

function isLocale(expr: ts.Expression): boolean {
  if (ts.isIdentifier(expr)) return LOCALE_NAMES.has(expr.text);
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text === 'locale';
  if (ts.isCallExpression(expr)) return ts.isIdentifier(expr.expression) && expr.expression.text === 'locale';
  return ts.isStringLiteral(expr) && (expr.text === 'id' || expr.text === 'en');
}

function union(sets: (string[] | null)[]): string[] | null {
  if (sets.some((s) => s === null)) return null;
  return [...new Set(sets.flatMap((s) => s ?? []))];
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}
