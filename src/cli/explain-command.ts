import type { Command } from 'commander';
import { Option } from 'commander';
import { findCheck } from '../engine/registry.js';
import { evidenceLines } from '../report/check-page.js';
import { availableChecks } from './available-checks.js';
import { collect } from './list-command.js';
import type { ProcessIo } from './process-io.js';

export function registerExplainCommand(program: Command, io: ProcessIo): void {
  program
    .command('explain <id>')
    .description('what a check looks for, why it matters, how to fix it, and references')
    .option('--plugin <module>', 'also load checks from a module (repeatable)', collect, [])
    .addOption(new Option('-o, --output <format>', 'text, or json for tools').choices(['text', 'json']).default('text'))
    .action(async (id: string, options: { plugin: string[]; output: 'text' | 'json' }) => {
      const check = findCheck(await availableChecks(options.plugin), id);
      const reads = evidenceLines(check);
      if (options.output === 'json') {
        const explanation = {
          id: check.id,
          title: check.title,
          severity: check.severity,
          description: check.description,
          reads,
          notApplicable: check.notApplicable,
          messages: check.messages ?? {},
          references: check.references,
          url: check.url ?? null,
        };
        io.stdout.write(`${JSON.stringify(explanation, null, 2)}\n`);
        return;
      }
      const lines = [
        `${check.id} (${check.severity})`,
        check.title,
        '',
        check.description,
        '',
        'Reads:',
        ...(reads.length > 0 ? reads.map((line) => `  ${line}`) : ['  nothing']),
        ...(check.references.length ? ['', 'References:', ...check.references.map((reference) => `  ${reference}`)] : []),
        ...(check.url ? ['', `Documentation: ${check.url}`] : []),
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
    });
}
