import type { Command } from 'commander';
import type { ProcessIo } from './process-io.js';
import { availableChecks } from './available-checks.js';

export function registerListCommand(program: Command, io: ProcessIo): void {
  program
    .command('list')
    .description('list the checks: id, default severity, and the good state each one checks')
    .option('--plugin <module>', 'also load checks from a module (repeatable)', collect, [])
    .action(async (options: { plugin: string[] }) => {
      const checks = await availableChecks(options.plugin);
      const idWidth = Math.max(...checks.map((check) => check.id.length));
      for (const check of checks) io.stdout.write(`${check.id.padEnd(idWidth)}  ${check.severity.padEnd(7)}  ${check.title}\n`);
    });
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
