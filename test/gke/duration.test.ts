import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/gke/duration.js';

describe('durations for people', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [12 * 60_000 + 5_000, '12m 5s'],
    [3 * 86_400_000 + 4 * 3_600_000 + 59_000, '3d 4h'],
    [86_400_000 + 60_000, '1d'],
  ])('formats %d ms as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
