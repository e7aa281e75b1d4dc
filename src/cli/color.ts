import { supportsColor } from 'chalk';

/**
 * Colour for a stream: `--no-color` and NO_COLOR (no-color.org) turn it off,
 * FORCE_COLOR turns it on, and otherwise only a terminal gets colour.
 */
export function colorLevel(stream: { isTTY?: boolean } | null, colorFlag: boolean, env: NodeJS.ProcessEnv): 0 | 1 | 2 | 3 {
  if (!colorFlag || stream === null) return 0;
  const { NO_COLOR, FORCE_COLOR } = env;
  if (NO_COLOR !== undefined && NO_COLOR !== '') return 0;
  if (FORCE_COLOR !== undefined) {
    if (FORCE_COLOR === '0' || FORCE_COLOR === 'false') return 0;
    return FORCE_COLOR === '2' ? 2 : FORCE_COLOR === '3' ? 3 : 1;
  }
  if (!stream.isTTY) return 0;
  return supportsColor ? supportsColor.level : 0;
}
