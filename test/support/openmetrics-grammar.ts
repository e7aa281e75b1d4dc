/**
 * A strict reader of OpenMetrics 1.0 text, written from the spec (prometheus/docs
 * docs/specs/om/open_metrics_spec.md, "ABNF" and "Overall Structure", "MetricFamily",
 * "Metric types"), for tests: no npm package parses OpenMetrics (parse-prometheus-text-format
 * reads the 0.0.4 format, without UNIT or EOF). It throws on the first thing the spec forbids,
 * naming the line, and returns the families with their samples, label values unescaped.
 */
export interface ParsedFamily {
  name: string;
  type: string;
  unit: string;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = ['counter', 'gauge', 'histogram', 'gaugehistogram', 'stateset', 'info', 'summary', 'unknown'];
// realnumber, and the case-insensitive inf / infinity / nan of the ABNF's `number`.
const REAL = /^[+-]?(\d+(\.\d*)?([eE][+-]?\d+)?|\d*\.\d+([eE][+-]?\d+)?)$/;
const NUMBER = /^([+-]?(inf|infinity)|nan)$/i;
/** The sample names a family of each type may have (Suffixes). */
const SUFFIXES: Record<string, string[]> = {
  counter: ['_total', '_created'],
  summary: ['_count', '_sum', '_created', ''],
  histogram: ['_count', '_sum', '_bucket', '_created'],
  gaugehistogram: ['_gcount', '_gsum', '_bucket'],
  info: ['_info'],
  gauge: [''],
  stateset: [''],
  unknown: [''],
};

export function parseOpenMetrics(text: string): ParsedFamily[] {
  if (text.includes('\r')) throw new Error('a carriage return: lines end with line feed only');
  if (text.startsWith('\uFEFF')) throw new Error('a byte order mark');
  const end = text.endsWith('# EOF\n') ? text.length - '# EOF\n'.length : text.endsWith('# EOF') ? text.length - '# EOF'.length : -1;
  if (end < 0 || (end > 0 && text[end - 1] !== '\n')) throw new Error('the exposition does not end with "# EOF"');
  const lines = end === 0 ? [] : text.slice(0, end - 1).split('\n');
  const families: ParsedFamily[] = [];
  const closed = new Set<string>();
  let current: (ParsedFamily & { seen: Set<string>; sampled: boolean; sets: Set<string> }) | undefined;
  const open = (name: string, at: number) => {
    if (current?.name === name) return current;
    if (current) closed.add(current.name);
    if (closed.has(name)) throw new Error(`line ${at}: MetricFamily ${name} is interleaved with another`);
    current = { name, type: 'unknown', unit: '', help: '', samples: [], seen: new Set(), sampled: false, sets: new Set() };
    families.push(current);
    return current;
  };
  lines.forEach((line, index) => {
    const at = index + 1;
    if (line.startsWith('#')) {
      const match = /^# (TYPE|HELP|UNIT) ([^ ]+) (.*)$/.exec(line) ?? /^# (UNIT|HELP) ([^ ]+) ?()$/.exec(line);
      if (!match) throw new Error(`line ${at}: a line beginning with # that is not TYPE, HELP or UNIT: ${line}`);
      const [, keyword, name, value] = match as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`line ${at}: ${name} is not a metric name`);
      const family = open(name, at);
      if (family.sampled) throw new Error(`line ${at}: ${keyword} for ${name} after its samples`);
      if (family.seen.has(keyword)) throw new Error(`line ${at}: a second ${keyword} for ${name}`);
      family.seen.add(keyword);
      if (keyword === 'TYPE') {
        if (!TYPES.includes(value)) throw new Error(`line ${at}: type ${value} is not an OpenMetrics type`);
        family.type = value;
      } else if (keyword === 'UNIT') {
        if (!/^[a-zA-Z0-9_:]*$/.test(value)) throw new Error(`line ${at}: unit ${value} has a character a metric name cannot`);
        if (value && !name.endsWith(`_${value}`)) throw new Error(`line ${at}: unit ${value} is not the suffix of ${name}`);
        family.unit = value;
      } else {
        family.help = unescape(value, at, false);
      }
      return;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? ([^ ]+)( [^ ]+)?$/.exec(line);
    if (!sample) throw new Error(`line ${at}: not a sample: ${line}`);
    const [, name, braces, value, timestamp] = sample as unknown as [string, string, string | undefined, string, string | undefined];
    if (!REAL.test(value) && !NUMBER.test(value)) throw new Error(`line ${at}: ${value} is not a number`);
    if (timestamp && !REAL.test(timestamp.slice(1))) throw new Error(`line ${at}: ${timestamp} is not a timestamp`);
    const family = current && (SUFFIXES[current.type] ?? ['']).some((suffix) => `${current!.name}${suffix}` === name) ? current : open(name, at);
    if (!(SUFFIXES[family.type] ?? ['']).some((suffix) => `${family.name}${suffix}` === name)) throw new Error(`line ${at}: ${name} is not a sample name of the ${family.type} ${family.name}`);
    family.sampled = true;
    const labels = braces ? parseLabels(braces, at) : {};
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (family.sets.has(key)) throw new Error(`line ${at}: a second sample of ${name} with the same labels`);
    family.sets.add(key);
    family.samples.push({ name, labels, value: Number(/^[+-]?inf/i.test(value) ? (value.startsWith('-') ? -Infinity : Infinity) : value) });
  });
  return families.map(({ name, type, unit, help, samples }) => ({ name, type, unit, help, samples }));
}

function parseLabels(braces: string, at: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = braces.slice(1, -1);
  while (rest.length > 0) {
    const match = /^([^=]+)="((?:[^"\\\n]|\\.)*)"(,|$)/.exec(rest);
    if (!match) throw new Error(`line ${at}: labels are not name="value" pairs: ${braces}`);
    const [whole, name, value, comma] = match as unknown as [string, string, string, string];
    if (!LABEL_NAME.test(name)) throw new Error(`line ${at}: ${name} is not a label name`);
    if (Object.hasOwn(labels, name)) throw new Error(`line ${at}: label ${name} twice`);
    labels[name] = unescape(value, at, true);
    rest = rest.slice(whole.length);
    if (comma === ',' && rest.length === 0) throw new Error(`line ${at}: a trailing comma in ${braces}`);
  }
  return labels;
}

/** escaped-string: `\n`, `\"` and `\\` are the escapes; a bare double quote (in a label value) or line feed is not allowed. */
function unescape(text: string, at: number, quoted: boolean): string {
  if (quoted && /(^|[^\\])(\\\\)*"/.test(text)) throw new Error(`line ${at}: an unescaped double quote`);
  return text.replace(/\\(.)/g, (_, character: string) => (character === 'n' ? '\n' : character));
}
