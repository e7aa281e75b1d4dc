import type { FailOn } from '../engine/report.js';
import type { FixFlags } from './fix-options.js';
import type { FleetFlags } from './fleet-flags.js';
import type { LiveFlags } from './live-options.js';

/** The flags of `check`, as commander parses them. */
export interface CheckOptions extends LiveFlags, FixFlags, FleetFlags {
  snapshot?: string;
  probe?: boolean;
  manifests?: string[];
  terraformPlan?: string;
  only: string[];
  skip: string[];
  failOn: FailOn;
  plugin: string[];
  stuckAfter?: string;
  config?: string | false;
  inlineIgnores: boolean;
  baseline?: string;
  writeBaseline?: string;
  reportUnusedIgnores?: boolean;
}

/** `--stuck-after`'s default (the config's `stuck-after` comes before it). */
export const DEFAULT_STUCK_AFTER = '5m';
