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

  it.each([
    ['Ctrl-C', '\x03'],
    ['Ctrl-D', '\x04'],
  ])('%s answers no, to this question and every later one, without a stack trace', async (_name, key) => {
    const { input, output, type } = terminal();
    const confirm = terminalConfirm(input, output);
    type(key);
    await expect(confirm('Finalize Namespace/a? [y/N] ')).resolves.toBe(false);
    type('y\r');
    await expect(confirm('Finalize Namespace/b? [y/N] ')).resolves.toBe(false);
  });
});
