import type { Check } from '../engine/check.js';
import { withPlugins } from '../engine/registry.js';
import { checkPageUrl } from '../report/check-page.js';

/** The built-in checks and those of each `--plugin` module: the CLI composes them, the engine runs what it is given. */
export async function availableChecks(plugins: readonly string[]): Promise<Check[]> {
  // Loaded when a command needs them, not for --help or --version.
  const { builtinChecks } = await import('../../checks/index.js');
  return withPlugins(
    builtinChecks.map((check) => ({ ...check, url: checkPageUrl(check.id) })),
    plugins,
  );
}
