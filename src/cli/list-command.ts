import type { Command } from 'commander';
import { Option } from 'commander';
import type { Check } from '../engine/check.js';
import type { ProcessIo } from './process-io.js';
import { availableChecks } from './available-checks.js';

export function registerListCommand(program: Command, io: ProcessIo): void {
  program
    .command('list')
    .description('list the checks: id, default severity, and the good state each one checks')
    .option('--plugin <module>', 'also load checks from a module (repeatable)', collect, [])
    .addOption(new Option('-o, --output <format>', 'text, or json for tools').choices(['text', 'json']).default('text'))
    .action(async (options: { plugin: string[]; output: 'text' | 'json' }) => {
      const checks = await availableChecks(options.plugin);
      if (options.output === 'json') {
        io.stdout.write(`${JSON.stringify({ checks: checks.map(checkSummary) }, null, 2)}\n`);
        return;
      }
      const idWidth = Math.max(...checks.map((check) => check.id.length));
      for (const check of checks) io.stdout.write(`${check.id.padEnd(idWidth)}  ${check.severity.padEnd(7)}  ${check.title}\n`);
    });
}

/** A check as `list --output json` gives it to tools. */
function checkSummary(check: Check) {
  return { id: check.id, title: check.title, severity: check.severity, url: check.url ?? null };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
