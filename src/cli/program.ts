import { Command, Option } from 'commander';
import { VERSION } from '../version.js';
import { registerCheckCommand } from './check-command.js';
import { colorLevel } from './color.js';
import { registerExplainCommand } from './explain-command.js';
import { registerListCommand } from './list-command.js';
import { registerMergeCommand } from './merge-command.js';
import type { OutputStream, ProcessIo } from './process-io.js';
import type { ProgramWithExitCode } from './program-with-exit-code.js';
import { registerSnapshotCommand } from './snapshot-command.js';

export function buildProgram(io: ProcessIo): ProgramWithExitCode {
  // Commander's own defaults, read from io instead of process: help as wide as the terminal, else 80 columns.
  const helpWidth = (stream: OutputStream) => (stream.isTTY && stream.columns ? stream.columns : 80);
  const program: ProgramWithExitCode = new Command('gke-doctor')
    .description('Diagnoses Google Kubernetes Engine problems and prints the exact fix.')
    .version(VERSION)
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHelpWidth: () => helpWidth(io.stdout),
      getErrHelpWidth: () => helpWidth(io.stderr),
      getOutHasColors: () => colorLevel(io.stdout, true, io.env) > 0,
      getErrHasColors: () => colorLevel(io.stderr, true, io.env) > 0,
      outputError: (text, write) => write(`gke-doctor: ${text.replace(/^error: /, '')}`),
    });
  program.addOption(new Option('--no-color', 'no colour in the text report (also NO_COLOR)'));
  registerCheckCommand(program, io);
  registerListCommand(program, io);
  registerExplainCommand(program, io);
  registerSnapshotCommand(program, io);
  registerMergeCommand(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}
