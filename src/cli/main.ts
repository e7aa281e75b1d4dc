import { CommanderError } from 'commander';
import { InputError } from '../errors.js';
import { buildProgram } from './program.js';

/** Runs the CLI and returns the exit code; bad input is one line on stderr and 2, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return program.exitCode ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof InputError) {
      process.stderr.write(`gke-doctor: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
