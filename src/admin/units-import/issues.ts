// Problems found in a units file, and how they are told to the operator: each names the row a
// spreadsheet shows and the column, so that every bad cell can be fixed in one pass.

/** One problem in the file. `line` is the row number a spreadsheet shows (header = 1; 0 = the whole file). */
export interface ImportIssue {
  line: number;
  column: string;
  message: string;
}

export class UnitsFileError extends Error {
  override name = 'UnitsFileError';
  readonly issues: ImportIssue[];
  constructor(message: string, issues: ImportIssue[]) {
    super(message);
    this.issues = issues;
  }
}

/** A problem with the file as a whole (line 0): unreadable, empty, the wrong type. */
export const fileIssue = (message: string): UnitsFileError => new UnitsFileError(message, [{ line: 0, column: '', message }]);

/** A 0-based column index as a spreadsheet names it: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** The issues for the operator, one line each: "line 7, unit_code: ...". */
export function formatIssues(issues: ImportIssue[]): string {
  return issues
    .map((issue) => {
      if (issue.line <= 0) return issue.column ? `${issue.column}: ${issue.message}` : issue.message;
      return issue.column ? `line ${issue.line}, ${issue.column}: ${issue.message}` : `line ${issue.line}: ${issue.message}`;
    })
    .join('\n');
}
