import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, parseDuration } from '../../src/cli/duration-flag.js';
import { runCli } from '../support/cli.js';

describe('duration flags (--stuck-after, --wait)', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
  ])('parses %s', (text, ms) => expect(parseDuration(text, '--stuck-after')).toBe(ms));

  it.each(['', '5', 'five minutes', '5m ', '-5m', '5x'])('rejects %j with the flag named', (text) => {
    expect(() => parseDuration(text, '--stuck-after')).toThrow(/^--stuck-after .*: expected a duration/);
  });
});

describe('durations a timer waits for (--timeout, --wait)', () => {
  it('takes up to 2^31-1 ms, the longest a Node timer holds', () => {
    expect(parseDuration('24d', '--timeout', { timer: true })).toBe(24 * 86_400_000);
    expect(parseDuration(`${MAX_TIMER_MS}ms`, '--timeout', { timer: true })).toBe(MAX_TIMER_MS);
  });

  it.each(['25d', `${MAX_TIMER_MS + 1}ms`, '99999999999999999999d'])('refuses %s in one line instead of timing out at once', (text) => {
    expect(() => parseDuration(text, '--timeout', { timer: true })).toThrow(/^--timeout \S+: (at most 24d|too long)/);
  });

  it('a threshold that is no timer may be longer (--stuck-after 30d)', () => {
    expect(parseDuration('30d', '--stuck-after')).toBe(30 * 86_400_000);
  });

  it('check --timeout 25d: one line, exit 2, before anything is read', async () => {
    const result = await runCli(['check', '--project', 'p', '--location', 'l', '--cluster', 'c', '--timeout', '25d']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--timeout 25d: at most 24d/)]);
  });
});
