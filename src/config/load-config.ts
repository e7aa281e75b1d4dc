import { InputError } from '../errors.js';
import { displayPath as display } from '../state/files/display-path.js';
import { requireYamlNesting } from '../state/files/input-file.js';
import type { Config } from './config.js';
import { NO_CONFIG } from './config.js';
import { isCalendarDate } from './ignore-dates.js';
import { firstLine } from '../first-line.js';

export const CONFIG_FILE_NAMES = ['.gke-doctor.yaml', '.gke-doctor.yml'];

/**
 * The configuration in effect: `--config FILE`, else the nearest `.gke-doctor.yaml` from the
 * working directory upwards (lilconfig, stopping at the home directory), else none.
 * `--no-config` (`explicit === false`) reads none. A file that is not valid YAML or does
 * not match the schema is one line naming the file and the key, and exit 2.
 */
export async function loadConfig(explicit: string | false | undefined, cwd = process.cwd()): Promise<Config> {
  if (explicit === false) return NO_CONFIG;
  const { lilconfig } = await import('lilconfig');
  const explorer = lilconfig('gke-doctor', {
    searchPlaces: CONFIG_FILE_NAMES,
    loaders: { '.yaml': parseYaml, '.yml': parseYaml },
  });
  let found: { filepath: string; config: unknown } | null;
  try {
    found = explicit === undefined ? await explorer.search(cwd) : await explorer.load(explicit);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`--config ${explicit}: cannot read: ${code ?? (error as Error).message}`);
  }
  if (!found) return NO_CONFIG;
  const file = display(found.filepath);
  const config = (found.config ?? {}) as Omit<Config, 'file'>;
  await validate(file, config);
  return { file, checks: config.checks ?? {}, ignore: config.ignore ?? [] };
}

async function parseYaml(filepath: string, content: string): Promise<unknown> {
  const { parse } = await import('yaml');
  requireYamlNesting(display(filepath), content);
  try {
    return parse(content);
  } catch (error) {
    throw new InputError(`${display(filepath)}: invalid YAML: ${firstLine((error as Error).message)}`);
  }
}

async function validate(file: string, config: unknown): Promise<void> {
  const { configValidator } = await import('./config-schema.js');
  const problem = (await configValidator())(config);
  if (problem) throw new InputError(`${file}: ${problem}`);
  for (const [index, rule] of ((config as Partial<Config>).ignore ?? []).entries()) {
    if (rule.expires !== undefined && !isCalendarDate(rule.expires)) {
      throw new InputError(`${file}: ignore[${index}].expires: ${rule.expires} is not a date (YYYY-MM-DD)`);
    }
  }
}
