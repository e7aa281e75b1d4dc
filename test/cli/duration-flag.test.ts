import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/cli/duration-flag.js';

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
