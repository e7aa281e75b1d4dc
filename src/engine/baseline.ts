import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { parseJsonText, readInputFile } from '../state/files/input-file.js';
import { InputError } from '../errors.js';
import type { Finding } from './check.js';
import type { Report } from './report.js';
import { firstLine } from '../first-line.js';

/** One accepted finding: its check, its resource, and what it is about (not its wording). */
export interface BaselineEntry {
  check: string;
  resource: string;
  fingerprint: string;
}

/** `--write-baseline FILE` writes it; `--baseline FILE` accepts what it lists. */
export interface Baseline {
  version: 1;
  findings: BaselineEntry[];
}

/**
 * What a finding is about, stable across rewordings: the check, the resource, and the id of
 * the message (a plugin's finding without one falls back to its first line).
 */
export function fingerprintOf(checkId: string, finding: Finding): string {
  const cause = finding.messageId ?? firstLine(finding.message);
  return createHash('sha256').update(`${checkId}\0${finding.resource}\0${cause}`).digest('hex').slice(0, 32);
}

/**
 * Every finding of the run that config or an annotation does not already accept: those the
 * baseline read accepted stay, what it listed and is no longer found goes (ESLint's prune).
 */
export function baselineOf(report: Report): Baseline {
  const findings = report.checks.flatMap((check) =>
    check.findings
      .filter((finding) => !finding.suppressed || finding.suppressed.by === 'baseline')
      .map((finding) => ({ check: check.id, resource: finding.resource, fingerprint: fingerprintOf(check.id, finding) })),
  );
  const unique = new Map(findings.map((entry) => [`${entry.check}\0${entry.fingerprint}`, entry]));
  return { version: 1, findings: [...unique.values()].sort((a, b) => a.check.localeCompare(b.check) || a.resource.localeCompare(b.resource)) };
}

export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  try {
    await writeFile(file, `${JSON.stringify(baseline, null, 2)}\n`);
  } catch (error) {
    throw new InputError(`--write-baseline ${file}: cannot write: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** What writing `next` over `previous` changes, for the user: "2 new, 3 kept, 1 no longer found and dropped". */
export function describeBaselineChange(previous: Baseline | undefined, next: Baseline): string {
  const key = (entry: BaselineEntry) => `${entry.check}\0${entry.resource}\0${entry.fingerprint}`;
  const before = new Set(previous?.findings.map(key));
  const after = new Set(next.findings.map(key));
  const kept = [...after].filter((entry) => before.has(entry)).length;
  const dropped = [...before].filter((entry) => !after.has(entry)).length;
  if (!previous) return `${next.findings.length} finding(s) accepted`;
  return `${next.findings.length} finding(s) accepted: ${after.size - kept} new, ${kept} kept, ${dropped} no longer found and dropped`;
}

/** The baseline already at `file`, when there is one to compare with (a missing or foreign file is none). */
export async function existingBaseline(file: string): Promise<Baseline | undefined> {
  try {
    return await readBaseline(file);
  } catch {
    return undefined;
  }
}

export async function readBaseline(file: string): Promise<Baseline> {
  const text = await readInputFile(file, `--baseline ${file}`);
  const parsed = parseJsonText(`--baseline ${file}`, text, 'invalid JSON');
  const baseline = parsed as Partial<Baseline> | null;
  const valid =
    baseline?.version === 1 &&
    Array.isArray(baseline.findings) &&
    baseline.findings.every((entry) => typeof entry?.check === 'string' && typeof entry.resource === 'string' && typeof entry.fingerprint === 'string');
  if (!valid) throw new InputError(`--baseline ${file}: not a gke-doctor baseline (write one with --write-baseline ${file})`);
  return baseline as Baseline;
}
