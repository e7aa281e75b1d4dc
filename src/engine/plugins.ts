import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';
import type { Check } from './check.js';
import { SEVERITIES } from './check.js';
import { firstLine } from '../first-line.js';

/**
 * Loads the checks a `--plugin` module exports: a path (relative to the working
 * directory) or a package name resolved from it. The module exports a Check or
 * an array of them, as `default` or as `checks`.
 */
export async function loadPlugin(specifier: string): Promise<Check[]> {
  const url = pluginUrl(specifier);
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`plugin ${specifier}: cannot load: ${firstLine((error as Error).message)}`);
  }
  const exported = module.checks ?? module.default;
  const checks = Array.isArray(exported) ? exported : [exported];
  return checks.map((check, index) => validateCheck(specifier, check, index));
}

function pluginUrl(specifier: string): string {
  const looksLikePath = specifier.startsWith('.') || isAbsolute(specifier) || /\.[cm]?js$/.test(specifier);
  if (looksLikePath) return pathToFileURL(resolve(specifier)).href;
  try {
    return pathToFileURL(createRequire(join(process.cwd(), 'package.json')).resolve(specifier)).href;
  } catch {
    throw new InputError(`plugin ${specifier}: no such package installed in ${process.cwd()} (npm install ${specifier})`);
  }
}

function validateCheck(specifier: string, value: unknown, index: number): Check {
  const check = value as Partial<Check> | undefined;
  const problem =
    typeof check !== 'object' || check === null
      ? 'does not export a check (export default { id, title, severity, … , run })'
      : typeof check.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(check.id)
        ? 'a check needs an "id" in kebab-case'
        : typeof check.run !== 'function'
          ? `check ${check.id} has no run(state) function`
          : !SEVERITIES.includes(check.severity as never)
            ? `check ${check.id} has severity ${String(check.severity)}; use ${SEVERITIES.join(', ')}`
            : typeof check.title !== 'string'
              ? `check ${check.id} has no title`
              : check.messages !== undefined && !isMessages(check.messages)
                ? `check ${check.id} has messages that are not an object of strings ({ messageId: 'text with {{placeholders}}' })`
                : undefined;
  if (problem) throw new InputError(`plugin ${specifier}${index > 0 ? ` (check ${index + 1})` : ''}: ${problem}`);
  const defaults: Omit<Check, 'id' | 'title' | 'severity' | 'run'> = {
    description: '',
    references: [],
    needs: [],
    notApplicable: 'there was nothing for this check to examine',
  };
  return { ...defaults, ...(check as Check) };
}

function isMessages(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((text) => typeof text === 'string');
}
