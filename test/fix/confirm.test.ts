import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalConfirm } from '../../src/cli/fix-options.js';

/** A terminal: what the user types goes to input; the prompt is written to output. */
function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk) => (shown += String(chunk)));
  return { input, output, shown: () => shown, type: (keys: string) => setTimeout(() => input.write(keys), 10) };
}

describe('the --fix y/N prompt', () => {
  it.each([
    ['y\r', true],
    ['yes\r', true],
    ['\r', false],
    ['n\r', false],
  ])('answers %j with %s', async (keys, expected) => {
    const { input, output, type } = terminal();
    const confirm = terminalConfirm(input, output);
    type(keys);
    await expect(confirm('Finalize Namespace/a? [y/N] ')).resolves.toBe(expected);
  });

  it('Ctrl-D answers no, to this question and every later one, without a stack trace', async () => {
    const { input, output, type } = terminal();
    const confirm = terminalConfirm(input, output);
    type('\x04');
    await expect(confirm('Finalize Namespace/a? [y/N] ')).resolves.toBe(false);
    type('y\r');
    await expect(confirm('Finalize Namespace/b? [y/N] ')).resolves.toBe(false);
  });

  it('Ctrl-C stops the whole run (FixInterrupted), and every later question is no', async () => {
    const { input, output, type } = terminal();
    const confirm = terminalConfirm(input, output);
    type('\x03');
    await expect(confirm('Finalize Namespace/a? [y/N] ')).rejects.toMatchObject({ name: 'FixInterrupted' });
    type('y\r');
    await expect(confirm('Finalize Namespace/b? [y/N] ')).resolves.toBe(false);
  });
});
