import { InputError } from '../errors.js';
import type { Check } from './check.js';
import { loadPlugin } from './plugins.js';

/** The checks given (the built-ins), then each plugin's, in order; ids must be unique. */
export async function withPlugins(builtins: readonly Check[], plugins: readonly string[]): Promise<Check[]> {
  const checks: Check[] = [...builtins];
  for (const specifier of plugins) {
    for (const check of await loadPlugin(specifier)) {
      if (checks.some((existing) => existing.id === check.id)) {
        throw new InputError(`plugin ${specifier}: check id "${check.id}" is already taken`);
      }
      checks.push(check);
    }
  }
  return checks;
}

export function findCheck(checks: readonly Check[], id: string): Check {
  const check = checks.find((candidate) => candidate.id === id);
  if (!check) throw new InputError(`unknown check "${id}"; known checks: ${checks.map((c) => c.id).join(', ')}`);
  return check;
}
