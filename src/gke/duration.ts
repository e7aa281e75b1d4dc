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

/** `3d 4h`, `12m`, `45s`: the two largest units, for people. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const units: [number, string][] = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor((seconds % 86_400) / 3_600), 'h'],
    [Math.floor((seconds % 3_600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  const first = units.findIndex(([value]) => value > 0);
  if (first === -1) return '0s';
  return units
    .slice(first, first + 2)
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value}${unit}`)
    .join(' ');
}
