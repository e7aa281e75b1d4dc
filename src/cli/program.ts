import { Command, Option } from 'commander';
import { registerCheckCommand } from './check-command.js';
import { registerExplainCommand } from './explain-command.js';
import { registerListCommand } from './list-command.js';
import { registerMergeCommand } from './merge-command.js';
import { registerSnapshotCommand } from './snapshot-command.js';
import { VERSION } from '../version.js';

export interface ProgramWithExitCode extends Command {
  exitCode?: number;
}

export function buildProgram(): ProgramWithExitCode {
  const program: ProgramWithExitCode = new Command('gke-doctor')
    .description('Diagnoses Google Kubernetes Engine problems and prints the exact fix.')
    .version(VERSION)
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ outputError: (text, write) => write(`gke-doctor: ${text.replace(/^error: /, '')}`) });
  program.addOption(new Option('--no-color', 'no colour in the text report (also NO_COLOR)'));
  registerCheckCommand(program);
  registerListCommand(program);
  registerExplainCommand(program);
  registerSnapshotCommand(program);
  registerMergeCommand(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}
