import { readFile } from 'node:fs/promises';
import type { ErrorObject } from 'ajv';
import { fieldPath } from '../field-path.js';

/** The schema ships in the package (`schema/`), one level above src/ and two above dist/src/. */
const SCHEMA_URLS = ['../../schema/gke-doctor.schema.json', '../../../schema/gke-doctor.schema.json'].map((path) => new URL(path, import.meta.url));

/** Validates a parsed `.gke-doctor.yaml`: undefined when it is valid, else one line naming the key. */
export async function configValidator(): Promise<(config: unknown) => string | undefined> {
  const { Ajv } = await import('ajv');
  const schema = await readSchema();
  const validate = new Ajv({ allErrors: false, strict: true }).compile(schema);
  return (config) => (validate(config) ? undefined : describe(validate.errors?.[0]));
}

async function readSchema(): Promise<object> {
  for (const url of SCHEMA_URLS) {
    try {
      return JSON.parse(await readFile(url, 'utf8')) as object;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error('schema/gke-doctor.schema.json is missing from the installed package');
}

/** `ignore[0].reason: is required`, `checks.terminating-namespace: unknown key "stuck_after"`. */
function describe(error: ErrorObject | undefined): string {
  if (!error) return 'does not match the schema';
  const path = fieldPath(error.instancePath);
  const where = path || '(top level)';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${where}: unknown key "${String(params.additionalProperty)}"`;
    case 'required':
      return `${path ? `${path}.` : ''}${String(params.missingProperty)}: is required`;
    case 'enum':
      return `${where}: must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'pattern':
      return `${where}: ${patternHint(path)}`;
    case 'propertyNames':
      return `${where}: a check id is lowercase words joined by dashes`;
    default:
      return `${where}: ${error.message ?? 'does not match the schema'}`;
  }
}

function patternHint(path: string): string {
  if (path.endsWith('expires')) return 'must be a date, YYYY-MM-DD';
  if (path.endsWith('stuck-after')) return 'must be a duration such as 30s, 5m, 2h, 1d or 1h30m';
  if (path.endsWith('check')) return 'must be a check id (see gke-doctor list)';
  return 'does not match the expected form';
}
