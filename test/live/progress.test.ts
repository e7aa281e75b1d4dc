import { describe, expect, it } from 'vitest';
import { stderrProgress } from '../../src/cli/progress.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, columns: 100, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream };
}

describe('progress line', () => {
  it('on a terminal: what is being read and objects so far, cleared at the end', () => {
    const { written, stream: tty } = stream(true);
    const progress = stderrProgress(false, tty);
    progress.start('Pod');
    progress.done('Pod', 42);
    progress.finish();
    expect(written.join('')).toContain('gke-doctor: reading Pod (0 objects so far)');
    expect(written.join('')).toContain('(42 objects so far)');
    expect(written.at(-1)).toBe('\r\x1b[K');
  });

  it.each([
    ['not a terminal', false, false],
    ['--quiet', true, true],
  ])('%s: no progress line', (_name, isTTY, quiet) => {
    const { written, stream: output } = stream(isTTY);
    const progress = stderrProgress(quiet, output);
    progress.start('Pod');
    progress.done('Pod', 1);
    progress.finish();
    expect(written).toEqual([]);
  });
});
