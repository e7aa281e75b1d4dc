import { readFileSync } from 'node:fs';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { builtinChecks } from '../../checks/index.js';
import type { Check, RunContext } from '../../src/engine/check.js';
import type { Report } from '../../src/engine/report.js';
import { selectChecks } from '../../src/engine/select.js';
import { PlannedSource } from '../../src/state/plan/planned-source.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { FIXTURE_NOW, fixturePath } from './fixtures.js';
import { runChecks } from './run-checks.js';

/** Runs checks as `check [--snapshot] [--terraform-plan] [--manifests]` does; paths are under fixtures/. */
export async function runPreflight(
  inputs: { plan?: string; manifests?: string[]; snapshot?: string; stdin?: string },
  options: { only?: string[]; checks?: readonly Check[]; context?: RunContext } = {},
): Promise<Report> {
  const base = inputs.snapshot ? new SnapshotSource(fixturePath(inputs.snapshot)) : null;
  const source = PlannedSource.fromFiles(base, {
    manifests: (inputs.manifests ?? []).map((path) => (path === '-' ? path : fixturePath(path))),
    terraformPlan: inputs.plan ? fixturePath(inputs.plan) : undefined,
    readStdin: async () => inputs.stdin ?? '',
  });
  return runChecks(selectChecks(options.checks ?? builtinChecks, options.only ?? []), source, options.context ?? { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000 });
}

let compiled: ReturnType<typeof compileSarifSchema> | undefined;

/** A validator for the official SARIF 2.1.0 schema (oasis-tcs/sarif-spec Schemata/sarif-schema-2.1.0.json, draft-04), compiled once. */
export function sarifValidator() {
  return (compiled ??= compileSarifSchema());
}

function compileSarifSchema() {
  // CommonJS packages: their classes are on `.default` under NodeNext.
  const ajv = new ajvDraft04.default({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  const schema = JSON.parse(readFileSync(new URL('./sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
  return ajv.compile(schema);
}
