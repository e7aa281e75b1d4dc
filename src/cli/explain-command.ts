import type { Command } from 'commander';
import { findCheck } from '../engine/registry.js';
import { availableChecks } from './available-checks.js';
import { collect } from './list-command.js';
import type { ProcessIo } from './process-io.js';

export function registerExplainCommand(program: Command, io: ProcessIo): void {
  program
    .command('explain <id>')
    .description('what a check looks for, why it matters, how to fix it, and references')
    .option('--plugin <module>', 'also load checks from a module (repeatable)', collect, [])
    .action(async (id: string, options: { plugin: string[] }) => {
      const check = findCheck(await availableChecks(options.plugin), id);
      const lines = [
        `${check.id} (${check.severity})`,
        check.title,
        '',
        check.description,
        '',
        `Reads: ${[...check.needs, ...(check.optionalNeeds ?? []).map((key) => `${key} (when available)`)].join(', ') || 'nothing'}`,
        ...(check.references.length ? ['', 'References:', ...check.references.map((reference) => `  ${reference}`)] : []),
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
    });
}
