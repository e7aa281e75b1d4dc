import { InputError } from '../errors.js';
import type { Check } from './check.js';

/** Applies `--only` and `--skip` (comma-separated ids); an unknown id is a usage error. */
export function selectChecks(checks: readonly Check[], only: string[] = [], skip: string[] = []): Check[] {
  const known = new Set(checks.map((check) => check.id));
  for (const id of [...only, ...skip]) {
    if (!known.has(id)) throw new InputError(`unknown check "${id}"; known checks: ${[...known].join(', ')}`);
  }
  const selected = checks.filter((check) => (only.length === 0 || only.includes(check.id)) && !skip.includes(check.id));
  if (selected.length === 0) {
    const flags = [only.length > 0 ? `--only ${only.join(',')}` : '', skip.length > 0 ? `--skip ${skip.join(',')}` : ''].filter(Boolean).join(' ');
    throw new InputError(`${flags} leaves no check to run`);
  }
  return selected;
}

export function splitIds(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(',')).map((id) => id.trim()).filter(Boolean);
}
