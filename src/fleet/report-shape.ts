import { fieldPath } from '../field-path.js';
import { MAX_SHARDS } from './shard.js';

/**
 * What `merge` reads of a JSON report (version 1, README: JSON report), as a JSON Schema: a
 * shard report that is not what `check --output json` writes is refused in one line naming the
 * field, never met as "x.map is not a function". Lists have the largest length a real run can
 * write, so a hostile file's huge array is refused instead of walked.
 */
const string = { type: 'string' };
const nullableString = { type: ['string', 'null'] };
const strings = (maxItems: number) => ({ type: 'array', items: string, maxItems });

const finding = {
  type: 'object',
  required: ['severity', 'resource', 'message'],
  properties: {
    severity: { enum: ['error', 'warning', 'info'] },
    resource: string,
    messageId: string,
    message: string,
    evidence: { type: 'object' },
    fix: {
      type: ['object', 'null'],
      required: ['summary', 'commands'],
      properties: { summary: string, commands: strings(1_000), terraform: nullableString, automatic: { type: 'boolean' } },
    },
    suppressed: { type: 'object', required: ['by', 'reason'], properties: { by: { enum: ['config', 'annotation', 'baseline'] }, reason: string } },
    location: { type: 'object', required: ['file'], properties: { file: string, line: { type: 'integer' }, address: string } },
  },
};

const check = {
  type: 'object',
  required: ['id', 'title', 'status', 'findings'],
  properties: {
    id: string,
    title: string,
    status: { enum: ['passed', 'failed', 'not-applicable', 'incomplete'] },
    reason: nullableString,
    durationMs: { type: 'number' },
    findings: { type: 'array', items: finding, maxItems: 1_000_000 },
    examined: strings(1_000_000),
  },
};

const counts = ['error', 'warning', 'info', 'passed', 'failed', 'incomplete', 'notApplicable'];
const summary = { type: 'object', required: counts, properties: Object.fromEntries([...counts, 'suppressed'].map((name) => [name, { type: 'integer', minimum: 0 }])) };

const single = {
  type: 'object',
  required: ['version', 'target', 'checks', 'summary'],
  properties: {
    summary,
    version: { const: 1 },
    target: { type: 'object', required: ['source'], properties: { source: string, project: nullableString, location: nullableString, cluster: nullableString } },
    checks: { type: 'array', items: check, maxItems: 10_000 },
  },
};

// A fleet report's run (src/fleet/run-identity.ts): merge compares ids and inputs, so they must be what a run writes.
const run = {
  type: 'object',
  required: ['id', 'startedAt', 'version', 'inputs'],
  properties: {
    id: { type: 'string', maxLength: 128 },
    startedAt: string,
    version: string,
    inputs: { type: 'object', additionalProperties: { anyOf: [nullableString, strings(100_000)] }, maxProperties: 100 },
    shard: { type: ['object', 'null'], required: ['index', 'count'], properties: { index: { type: 'integer', minimum: 0 }, count: { type: 'integer', minimum: 1 } } },
  },
};

const shardIndexes = { type: 'array', items: { type: 'integer', minimum: 0, maximum: MAX_SHARDS - 1 }, maxItems: MAX_SHARDS };

export const REPORT_SCHEMA = {
  ...single,
  // A fleet report (README: Fleet) carries one report per cluster in `targets`.
  dependencies: { fleet: ['targets'] },
  properties: {
    ...single.properties,
    targets: { type: 'array', items: single, maxItems: 1_000_000 },
    run,
    fleet: {
      type: 'object',
      properties: {
        shards: { type: ['object', 'null'], required: ['count', 'present'], properties: { count: { type: 'integer', minimum: 1, maximum: MAX_SHARDS }, present: shardIndexes, missing: shardIndexes } },
        projects: {
          type: 'array',
          maxItems: 1_000_000,
          items: {
            type: 'object',
            required: ['project', 'status', 'clusters', 'reason'],
            properties: {
              project: string,
              status: { enum: ['listed', 'incomplete', 'unlisted'] },
              clusters: { type: 'integer', minimum: 0 },
              reason: nullableString,
              permission: string,
              role: string,
              missingZones: strings(10_000),
            },
          },
        },
        discovery: {
          type: 'object',
          required: ['parent', 'via', 'unlisted'],
          properties: {
            parent: string,
            via: { enum: ['cloud-asset-inventory', 'resource-manager'] },
            fallback: nullableString,
            unlisted: { type: 'array', maxItems: 1_000_000, items: { type: 'object', required: ['resource', 'reason'], properties: { resource: string, reason: string, permission: string, role: string } } },
          },
        },
      },
    },
  },
};

let validator: Promise<(value: unknown) => string | undefined> | undefined;

/** Why `value` is not a JSON report (`targets[0].checks[1].status must be one of …`); undefined when it is one. */
export async function reportShapeProblem(value: unknown): Promise<string | undefined> {
  validator ??= import('ajv').then(({ Ajv }) => {
    const validate = new Ajv({ allErrors: false, strict: false }).compile(REPORT_SCHEMA);
    return (candidate: unknown) => {
      if (validate(candidate)) return undefined;
      const error = validate.errors?.[0];
      const where = fieldPath(error?.instancePath ?? '') || 'the report';
      const allowed = error?.keyword === 'enum' ? `: ${(error.params.allowedValues as unknown[]).join(', ')}` : '';
      return `${where} ${error?.message ?? 'is not valid'}${allowed}`;
    };
  });
  return (await validator)(value);
}
