/**
 * HTML built from template strings with one escaping function: every value put into an
 * `html` template is escaped, unless it is markup an `html` template made. A report holds
 * names anyone with write access to a cluster chose (`<script>` as a namespace label, quotes
 * in an annotation), so nothing from a report is ever written into the page unescaped.
 */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML that shows it: safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character]!);
}

type Value = Markup | string | number | boolean | null | undefined | readonly Value[];

function markupOf(value: Value): string {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(markupOf).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** A template of markup: its literal parts are trusted, its values escaped (arrays joined, null and false empty). */
export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let text = strings[0]!;
  values.forEach((value, index) => {
    text += markupOf(value) + strings[index + 1]!;
  });
  return new Markup(text);
}
