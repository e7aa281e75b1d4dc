import { InputError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The longest delay a Node timer holds (setTimeout: "When delay is larger than 2147483647 or
 * less than 1, the delay will be set to 1", https://nodejs.org/api/timers.html#settimeoutcallback-delay-args):
 * about 24.8 days. A longer --timeout would fire at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Parses `30s`, `5m`, `2h`, `1d`, `500ms` or a combination such as `1h30m`. A duration a timer
 * waits for (`timer`: --timeout, --wait) must fit in one.
 */
export function parseDuration(text: string, flag: string, options: { timer?: boolean } = {}): number {
  const parts = [...text.matchAll(/(\d+)(ms|[smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new InputError(`${flag} ${text}: expected a duration such as 30s, 5m, 2h or 1d`);
  }
  const ms = parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNITS[unit as string]!, 0);
  if (!Number.isSafeInteger(ms)) throw new InputError(`${flag} ${text}: too long a duration`);
  if (options.timer && ms > MAX_TIMER_MS) throw new InputError(`${flag} ${text}: at most 24d (a timer cannot wait longer than ${MAX_TIMER_MS} ms)`);
  return ms;
}
