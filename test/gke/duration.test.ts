import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../src/gke/duration.js';

// The cases of k8s.io/apimachinery pkg/util/duration duration_test.go TestHumanDuration: kubectl's AGE.
describe('ages as kubectl prints them', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [119_000, '119s'],
    [5 * 60_000 + 30_000, '5m30s'],
    [12 * 60_000 + 5_000, '12m'],
    [3 * 3_600_000, '3h'],
    [7 * 3_600_000 + 59 * 60_000, '7h59m'],
    [3 * 86_400_000 + 5 * 3_600_000, '3d5h'],
    [10 * 86_400_000, '10d'],
    [(3 * 365 + 7) * 86_400_000, '3y7d'],
    [1102 * 86_400_000 + 14 * 3_600_000, '3y7d'],
    [9 * 365 * 86_400_000, '9y'],
  ])('%d ms is %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});
