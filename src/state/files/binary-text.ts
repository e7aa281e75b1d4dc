import { InputError } from '../../errors.js';

/**
 * Refuses a file that is not text (a NUL byte, or bytes that are not UTF-8: an
 * image, an archive, a compiled file given by mistake), rather than quoting its
 * bytes to the terminal in a parse error.
 */
export function requireText(file: string, text: string, expected: string): void {
  const head = text.slice(0, 64 * 1024);
  if (head.includes('\u0000') || head.includes('\uFFFD')) throw new InputError(`${file}: not a text file (binary data); expected ${expected}`);
}
