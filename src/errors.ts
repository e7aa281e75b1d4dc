/**
 * Bad input from the user: a flag, a file, a target. The CLI prints the message
 * as one line and exits 2; nothing has run.
 */
export class InputError extends Error {
  override name = 'InputError';
}
