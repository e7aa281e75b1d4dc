import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import { CONFIG_FILE_NAMES } from '../config/load-config.js';
import type { RequestLog } from '../state/live/request-log.js';
import { requestLine } from '../state/live/request-log.js';
import { printable } from '../terminal-text.js';
import type { OutputStream } from './process-io.js';

export interface VerboseFlags {
  verbose?: boolean;
}

const REQUESTS = 'on stderr: each HTTP request (method, URL with query values masked, status, bytes, time; never a header or a body)';

/** `-v`, `--verbose`, as kubectl users type it (kubectl's `-v=6` is the model: one line per request); `check` also says which config file it read. */
export function addVerboseOption(command: Command, readsConfig = false): Command {
  return command.option('-v, --verbose', readsConfig ? `${REQUESTS}, and which config file was read` : REQUESTS);
}

/** With `-v`, each request as one line on stderr, control characters escaped; else no log. */
export function stderrRequestLog(flags: VerboseFlags, stream: OutputStream): RequestLog | undefined {
  if (!flags.verbose) return undefined;
  return (record) => void stream.write(`gke-doctor: ${printable(requestLine(record))}\n`);
}

/** With `-v`, which config file is in effect, or why none is. */
export function reportConfigFile(flags: VerboseFlags & { config?: string | false }, config: Config, stream: OutputStream): void {
  if (!flags.verbose) return;
  const which =
    config.file !== null
      ? `read ${config.file}`
      : flags.config === false
        ? 'none read (--no-config)'
        : `none found (no ${CONFIG_FILE_NAMES.join(' or ')} in the working directory or above it)`;
  stream.write(`gke-doctor: config: ${printable(which)}\n`);
}
