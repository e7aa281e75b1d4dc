/**
 * Characters a terminal acts on instead of showing: the C0 controls but tab and newline (ESC
 * starts the CSI and OSC sequences that recolour, retitle, link, clear the screen or write the
 * clipboard; BEL rings; CR and BS overwrite what was printed), DEL, the C1 controls (U+0080 to
 * U+009F; U+009B is a one-character CSI on some terminals), and the Unicode bidirectional
 * overrides and isolates that reorder what is shown (CVE-2021-42574, "Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every such character written out as `\u001b`, so what an API, a file or a
 * plugin sent (a condition message, an object name, an ignore reason) is shown, never obeyed.
 */
export function printable(text: string): string {
  return text.replace(CONTROLS, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSON value (a report) with `printable` applied to every string in it. */
export function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map(printableDeep) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [printable(key), printableDeep(entry)])) as T;
  }
  return value;
}
