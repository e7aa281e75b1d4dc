import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/gke/duration.js';

describe('durations', () => {
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

  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [12 * 60_000 + 5_000, '12m 5s'],
    [3 * 86_400_000 + 4 * 3_600_000 + 59_000, '3d 4h'],
    [86_400_000 + 60_000, '1d'],
  ])('formats %d ms as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
