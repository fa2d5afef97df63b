// HTML built with a tagged template that escapes every interpolated value, unless the value is
// already HTML (an `Html`, made by this tag or by `raw()` for a fragment the code itself wrote).
// So a unit name or a suggestion with `<script>` in it is shown as text, never run.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Markup that is already safe to put into a page. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | null | undefined | false | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\``: values escaped, nested `html` fragments and arrays of them kept. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new Html(out);
}

/** Trusted markup written by this program (an SVG chart built from numbers), taken as is. */
export function raw(text: string): Html {
  return new Html(text);
}
