import { InputError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `30s`, `5m`, `2h`, `1d`, `500ms` or a combination such as `1h30m`. */
export function parseDuration(text: string, flag: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|[smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new InputError(`${flag} ${text}: expected a duration such as 30s, 5m, 2h or 1d`);
  }
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNITS[unit as string]!, 0);
}
