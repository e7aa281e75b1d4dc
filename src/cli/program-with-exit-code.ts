import type { Command } from 'commander';

/** The commander program, with the exit code a command sets for main() to return (a file of its own: program.ts imports the commands, which need this type). */
export interface ProgramWithExitCode extends Command {
  exitCode?: number;
}
