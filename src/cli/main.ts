import { CommanderError } from 'commander';
import { InputError } from '../errors.js';
import type { ProcessIo } from './process-io.js';
import { buildProgram } from './program.js';
import { printable } from '../terminal-text.js';

/**
 * Runs the CLI on `argv` (the arguments after the command name) and returns the
 * exit code; bad input is one line on stderr and 2, never a stack trace.
 */
export async function main(argv: readonly string[], io: ProcessIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return program.exitCode ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof InputError) {
      // One line, whatever a library put in the message.
      io.stderr.write(`gke-doctor: ${printable(error.message.trim().replace(/\s*\n\s*/g, ' '))}\n`);
      return 2;
    }
    throw error;
  }
}

/**
 * Sets the exit code and ends the process once stdout and stderr are flushed. A
 * finished run must end even if something still holds the event loop: a request
 * to an API that never answered (the Google clients in REST mode do not abort on
 * their call timeout, so the socket stays open after gke-doctor gave up on it),
 * or a timer a plugin left running.
 */
export function exit(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
