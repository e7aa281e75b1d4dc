/**
 * What a GAPIC client in REST mode returns is a protobuf object with every
 * default filled in (google-gax `defaultToObjectOptions`: `defaults: true`,
 * `oneofs: true`), timestamps as `{seconds, nanos}` and bytes as Buffers. The
 * REST API itself (and so gcloud's `--format=json` and a snapshot) follows the
 * proto3 JSON mapping, which leaves defaults out
 * (https://protobuf.dev/programming-guides/json/). This turns the first back
 * into the second, so live data and snapshots compare equal.
 */
export function restJson(value: unknown, zeroEnums: ReadonlySet<string>): unknown {
  return convert(value, zeroEnums) ?? {};
}

function convert(value: unknown, zeroEnums: ReadonlySet<string>): unknown {
  if (value === null || value === undefined || value === false || value === 0 || value === '' || value === '0') return undefined;
  if (typeof value === 'string') return zeroEnums.has(value) ? undefined : value;
  if (typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return value.length === 0 ? undefined : Buffer.from(value).toString('base64');
  if (Array.isArray(value)) {
    const items = value.map((item) => convert(item, zeroEnums) ?? {});
    return items.length === 0 ? undefined : items;
  }
  const record = value as Record<string, unknown>;
  // With `defaults: true` an absent message is null and an absent map is {}: an empty object here is an unset map.
  if (Object.keys(record).length === 0) return undefined;
  if (isTimestamp(record)) return timestampString(record);
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(record)) {
    if (isOneofMarker(record, key, field)) continue;
    const converted = convert(field, zeroEnums);
    if (converted !== undefined) result[key] = converted;
  }
  return result;
}

/** `oneofs: true` adds, for each oneof (and each proto3 `optional`, as `_field`), a key naming the field that is set. */
function isOneofMarker(record: Record<string, unknown>, key: string, field: unknown): boolean {
  if (typeof field !== 'string') return false;
  if (key.startsWith('_') && field === key.slice(1)) return true;
  return field !== key && /^[a-z][A-Za-z0-9]*$/.test(field) && Object.hasOwn(record, field) && record[field] !== null && typeof record[field] === 'object';
}

function isTimestamp(record: Record<string, unknown>): boolean {
  const keys = Object.keys(record);
  return keys.length > 0 && keys.every((key) => key === 'seconds' || key === 'nanos') && 'seconds' in record;
}

/** RFC 3339 with the fraction Google's APIs print (none, or milliseconds, or more). */
function timestampString(record: Record<string, unknown>): string {
  const seconds = Number(record.seconds ?? 0);
  const nanos = Number(record.nanos ?? 0);
  const base = new Date(seconds * 1000).toISOString().replace(/\.000Z$/, '');
  if (nanos === 0) return `${base}Z`;
  let fraction = String(nanos).padStart(9, '0');
  while (fraction.endsWith('000')) fraction = fraction.slice(0, -3);
  return `${base}.${fraction}Z`;
}

/**
 * The names of every enum's zero value in a generated protos namespace
 * (`STATUS_UNSPECIFIED`, `UNKNOWN`, …): proto3 JSON leaves them out.
 */
export function zeroEnumNames(namespace: object): Set<string> {
  const names = new Set<string>();
  const seen = new Set<object>();
  const walk = (node: unknown, depth: number): void => {
    if (node === null || (typeof node !== 'object' && typeof node !== 'function') || seen.has(node as object) || depth > 8) return;
    seen.add(node as object);
    for (const [key, child] of Object.entries(node as object)) {
      if (/^[A-Z][A-Z0-9_]*$/.test(key) && child === 0) names.add(key);
      if (typeof child === 'object' || (typeof child === 'function' && /^[A-Z]/.test(key))) walk(child, depth + 1);
    }
  };
  walk(namespace, 0);
  return names;
}
