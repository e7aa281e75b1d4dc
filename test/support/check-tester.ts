import { describe, expect, it } from 'vitest';
import type { Check, CheckStatus, RunContext, Severity } from '../../src/engine/check.js';
import type { CheckReport } from '../../src/engine/report.js';
import { runChecksOn } from '../../src/engine/runner.js';
import type { ClusterState } from '../../src/state/cluster-state.js';
import { FIXTURE_NOW, runFixture } from './fixtures.js';
import { runPreflight } from './preflight.js';

/**
 * What a case runs the check on, like ESLint's RuleTester `code`: a snapshot directory under
 * fixtures/, manifests and a Terraform plan under fixtures/ (with or without a snapshot
 * as their base), or a ClusterState built in memory.
 */
export interface CheckCase {
  /** Names the case in the test output; defaults to the fixture. */
  name?: string;
  fixture?: string;
  manifests?: string[];
  plan?: string;
  stdin?: string;
  state?: ClusterState;
  context?: Partial<RunContext>;
  /** Defaults to `passed` for a valid case (or `not-applicable` with `examined: []`), else computed from the findings. */
  status?: CheckStatus;
  /** Every resource the check must have examined, in order. */
  examined?: string[];
  /** More assertions on the check's report (evidence, fix commands), for what the table cannot say. */
  then?: (report: CheckReport) => void;
}

export interface ExpectedFinding {
  messageId: string;
  resource: string;
  severity: Severity;
}

export interface InvalidCase extends CheckCase {
  /** Every finding, in order. */
  findings: ExpectedFinding[];
}

const DEFAULT_CONTEXT: RunContext = { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000 };

/** Runs `check` alone on a case, as `gke-doctor check` would, and returns its report. */
export async function runCase(check: Check, input: CheckCase): Promise<CheckReport> {
  const context = { ...DEFAULT_CONTEXT, ...input.context };
  if (input.state) return (await runChecksOn(input.state, [check], context)).checks[0]!;
  const planned = input.manifests !== undefined || input.plan !== undefined || input.stdin !== undefined;
  if (!planned) {
    if (!input.fixture) throw new Error('a case needs a fixture, manifests, a plan or a state');
    return (await runFixture(input.fixture, { checks: [check], context })).checks[0]!;
  }
  const report = await runPreflight({ snapshot: input.fixture, manifests: input.manifests, plan: input.plan, stdin: input.stdin }, { checks: [check], context });
  return report.checks[0]!;
}

function caseName(input: CheckCase): string {
  return input.name ?? [input.fixture, input.plan, ...(input.manifests ?? [])].filter(Boolean).join(' + ');
}

/**
 * One check's specification as a table (ESLint's RuleTester): `valid` cases produce no finding,
 * `invalid` ones exactly the findings listed, by message id, resource and severity.
 */
export function testCheck(check: Check, cases: { valid?: (string | CheckCase)[]; invalid?: InvalidCase[] }): void {
  describe(check.id, () => {
    for (const entry of cases.valid ?? []) {
      const input = typeof entry === 'string' ? { fixture: entry } : entry;
      it(`valid: ${caseName(input)}`, async () => {
        const report = await runCase(check, input);
        expect(report.findings.map(summarize)).toEqual([]);
        expect(report.status).toBe(input.status ?? (input.examined?.length === 0 ? 'not-applicable' : 'passed'));
        if (input.examined) expect(report.examined).toEqual(input.examined);
        input.then?.(report);
      });
    }
    for (const input of cases.invalid ?? []) {
      it(`invalid: ${caseName(input)} -> ${input.findings.map((finding) => finding.messageId).join(', ')}`, async () => {
        const report = await runCase(check, input);
        expect(report.findings.map(summarize)).toEqual(input.findings);
        for (const finding of report.findings) expect(check.messages ?? {}).toHaveProperty([finding.messageId!]);
        const status = input.status ?? (input.findings.some((finding) => finding.severity !== 'info') ? 'failed' : 'passed');
        expect(report.status).toBe(status);
        if (input.examined) expect(report.examined).toEqual(input.examined);
        input.then?.(report);
      });
    }
  });
}

function summarize(finding: { messageId?: string; resource: string; severity: Severity }): ExpectedFinding {
  return { messageId: finding.messageId ?? '(none)', resource: finding.resource, severity: finding.severity };
}
