import type { Severity } from '../engine/check.js';

/** One `ignore` entry of `.gke-doctor.yaml`: accept the findings of a check on matching resources. */
export interface IgnoreRule {
  check: string;
  /** The finding's resource, or a glob (picomatch: `*` within a `/`-segment, `**` across). */
  resource: string;
  reason: string;
  /** The last day (UTC) the rule applies, `YYYY-MM-DD`. */
  expires?: string;
}

/** An application that answers plain HTTP with a redirect, declared by the user for `ingress-health-check`. */
export interface RedirectingApplicationSetting {
  name: string;
  /** A glob matched against the container image. */
  image: string;
  status?: number;
  fix?: string;
}

export interface CheckSettings {
  severity?: Severity | 'off';
  'stuck-after'?: string;
  'protected-namespaces'?: string[];
  'redirecting-applications'?: RedirectingApplicationSetting[];
}

/** `.gke-doctor.yaml`, validated against `schema/gke-doctor.schema.json`. */
export interface Config {
  /** Where it was read from; null when there is none (or `--no-config`). */
  file: string | null;
  checks: Record<string, CheckSettings>;
  ignore: IgnoreRule[];
}

export const NO_CONFIG: Config = { file: null, checks: {}, ignore: [] };
