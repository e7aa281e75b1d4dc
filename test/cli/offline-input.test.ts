import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShard, resolveShard } from '../../src/fleet/shard.js';
import type { CliResult } from '../support/cli.js';
import { runCli } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';

/**
 * Offline input that used to crash the run, hang it, or take it out of memory (issue #21): each is
 * one line on stderr naming the input and what is wrong, exit 2, at once.
 */
const temporary = () => mkdtemp(join(tmpdir(), 'gke-doctor-offline-'));

async function refused(args: string[], line: RegExp, input?: string): Promise<CliResult> {
  const started = performance.now();
  const result = await runCli(args, input === undefined ? {} : { input });
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(line)]);
  expect(result.stderr).not.toMatch(/\n\s+at |TypeError|RangeError/);
  expect(performance.now() - started).toBeLessThan(10_000);
  return result;
}

describe('output formats that are names of Object.prototype', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('-o %s', async (format) => {
    await refused(['check', '--snapshot', fixturePath('healthy'), '-o', format], new RegExp(`^gke-doctor: --output ${format}: unknown format; use text, json`));
  });
});

describe('merge: shard reports that are not reports', async () => {
  const directory = await temporary();
  const good = JSON.parse((await runCli(['check', '--snapshot', fixturePath('healthy'), '--output', 'json'])).stdout) as Record<string, unknown>;
  const shapes: [string, string, RegExp][] = [
    ['not JSON', '{"version": 1, "targ', /not a gke-doctor JSON report \(invalid JSON: /],
    ['not an object', '[1, 2, 3]', /not a gke-doctor JSON report \(the output of check --output json\): the report must be object/],
    ['a string', '"report"', /the report must be object/],
    ['missing targets', JSON.stringify({ ...good, fleet: { shards: { count: 2, present: [0], missing: [1] } } }), /must have property targets when property fleet is present/],
    ['a null target', JSON.stringify({ ...good, target: null }), /target must be object/],
    ['wrong types', JSON.stringify({ ...good, checks: [{ id: 'x', title: 't', status: 'fine', findings: [] }] }), /checks\[0\]\.status must be equal to one of the allowed values: passed, failed, not-applicable, incomplete/],
    ['a finding of no severity', JSON.stringify({ ...good, checks: [{ id: 'x', title: 't', status: 'failed', findings: [{ severity: 'constructor', resource: 'r', message: 'm' }] }] }), /checks\[0\]\.findings\[0\]\.severity must be equal to one of the allowed values/],
    ['targets that are not reports', JSON.stringify({ ...good, targets: [5], fleet: { shards: null } }), /targets\[0\] must be object/],
    ['a target without its summary', JSON.stringify({ ...good, targets: [{ ...good, summary: undefined }], fleet: { shards: null } }), /targets\[0\] must have required property 'summary'/],
    ['a shard count of 1e9', JSON.stringify({ ...good, fleet: { clusters: 0, failing: 0, incomplete: 0, shards: { count: 1e9, present: [0], missing: [] } }, targets: [] }), /fleet\.shards\.count must be <= 100000/],
    ['a shard index past the count', JSON.stringify({ ...good, fleet: { clusters: 0, failing: 0, incomplete: 0, shards: { count: 2, present: [7], missing: [] } }, targets: [] }), /shard 7 is not below the shard count 2/],
    ['huge arrays', JSON.stringify({ ...good, fleet: { clusters: 0, failing: 0, incomplete: 0, shards: { count: 2, present: Array<number>(200_001).fill(0), missing: [] } }, targets: [] }), /fleet\.shards\.present must NOT have more than 100000 items/],
    ['nested past any report', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, /nested more than 512 levels deep/],
  ];
  it.each(shapes)('%s', async (_, text, line) => {
    const file = join(directory, `${_.replace(/\W+/g, '-')}.json`);
    await writeFile(file, text);
    await refused(['merge', file], new RegExp(`^gke-doctor: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*${line.source}`));
  });
});

describe('shard counts', () => {
  it('--shard 0/1000000000 and --shard-count 1000000000 are refused, not run', () => {
    expect(() => parseShard('0/1000000000')).toThrow(/^--shard 0\/1000000000: a shard count of 1000000000 is over the 100000 a run may be split into$/);
    expect(() => resolveShard({ shardCount: '1000000000' }, { JOB_COMPLETION_INDEX: '0' })).toThrow(/^JOB_COMPLETION_INDEX: a shard count of 1000000000 is over the 100000/);
    expect(parseShard('99999/100000')).toEqual({ index: 99_999, count: 100_000 });
  });
});

describe('input that is not a regular file', () => {
  const fifo = async () => {
    const path = join(await temporary(), 'manifests.yaml');
    execFileSync('mkfifo', [path]);
    return path;
  };
  it('a FIFO given to --manifests is refused at once, not waited on', async () => {
    const path = await fifo();
    await refused(['check', '--manifests', path], /^gke-doctor: .*manifests\.yaml: not a regular file \(a FIFO, socket or device\); give a file, or - for standard input/);
  });

  it('a FIFO in a snapshot directory is refused at once', async () => {
    const directory = await temporary();
    await cp(fixturePath('healthy'), directory, { recursive: true });
    await rm(join(directory, 'project.json'));
    execFileSync('mkfifo', [join(directory, 'project.json')]);
    await refused(['check', '--snapshot', directory], /project\.json: not a regular file/);
  });

  it('a device given to --terraform-plan or --baseline is refused', async () => {
    await refused(['check', '--terraform-plan', '/dev/zero'], /^gke-doctor: --terraform-plan \/dev\/zero: not a regular file/);
    await refused(['check', '--snapshot', fixturePath('healthy'), '--baseline', '/dev/zero'], /^gke-doctor: --baseline \/dev\/zero: not a regular file/);
  });
});

describe('nesting: bounded in depth, not only in size', () => {
  it.each([
    ['a JSON file of nested arrays', 'deep.json', `${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}`, /deep\.json: nested more than 512 levels deep \(at character 512\)/],
    ['a YAML file of nested block sequences', 'deep.yaml', `${'- '.repeat(1_000_000)}x\n`, /deep\.yaml:1: nested more than 512 levels deep/],
    ['a YAML file of nested flow sequences', 'flow.yaml', `a: ${'['.repeat(1_000_000)}`, /flow\.yaml:1: nested more than 512 levels deep/],
    ['a YAML file indented past any object', 'indent.yaml', Array.from({ length: 600 }, (_, depth) => `${'  '.repeat(depth)}k${depth}:`).join('\n'), /indent\.yaml:\d+: nested more than 512 levels deep/],
  ])('%s is refused before it is parsed', async (_, name, text, line) => {
    const file = join(await temporary(), name);
    await writeFile(file, text);
    await refused(['check', '--manifests', file], line);
  });

  it('a deep real object (a CRD schema 60 levels deep) is read', async () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let level = 0; level < 30; level++) schema = { type: 'object', properties: { [`f${level}`]: schema } };
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'deep.example.com' }, spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: schema } }] } };
    const directory = await temporary();
    await writeFile(join(directory, 'crd.json'), JSON.stringify(crd));
    const { stringify } = await import('yaml');
    await writeFile(join(directory, 'crd.yaml'), stringify(crd));
    for (const file of ['crd.json', 'crd.yaml']) expect((await runCli(['check', '--manifests', join(directory, file)])).code).not.toBe(2);
  });
});

describe('plugins that break the contract', () => {
  const META = `id: 'broken', title: 'Broken', severity: 'warning', description: 'd', references: [], needs: ['Namespace'], notApplicable: 'none'`;
  async function plugin(run: string): Promise<string> {
    const path = join(await temporary(), 'plugin.mjs');
    await writeFile(path, `export default { ${META}, ${run} };\n`);
    return path;
  }
  async function brokenCheck(run: string, timeout = '2m') {
    const result = await runCli(['check', '--snapshot', fixturePath('seed-eventarc-stuck-namespace'), '--plugin', await plugin(run), '--output', 'json', '--timeout', timeout]);
    expect(result.stderr).not.toMatch(/\n\s+at |TypeError/);
    return (JSON.parse(result.stdout) as { checks: { id: string; status: string; reason: string | null }[] }).checks.find((check) => check.id === 'broken')!;
  }

  it.each([
    ['a finding of an unknown severity', `run() { return { examined: ['x'], findings: [{ severity: 'fatal', resource: 'x', message: 'm', evidence: {}, fix: null }] }; }`, /^the check returned a malformed result: findings\[0\]\.severity must be error, warning or info$/],
    ['a finding that is not an object', `run() { return { examined: ['x'], findings: ['boom'] }; }`, /findings\[0\] must be an object$/],
    ['no findings list', `run() { return { examined: ['x'] }; }`, /findings must be a list$/],
    ['nothing at all', `run() { return undefined; }`, /not an object with examined and findings$/],
    ['a fix of the wrong shape', `run() { return { examined: ['x'], findings: [{ severity: 'error', resource: 'x', message: 'm', evidence: {}, fix: { summary: 's', commands: 'rm -rf /' } }] }; }`, /findings\[0\]\.fix must be null or \{ summary, commands, terraform \}$/],
  ])('%s: the check is incomplete, saying so; the run goes on', async (_, run, reason) => {
    const check = await brokenCheck(run);
    expect(check.status).toBe('incomplete');
    expect(check.reason).toMatch(reason);
  });

  it("a run() that never settles is incomplete at the run's deadline, not a silent exit 13", async () => {
    const started = performance.now();
    const check = await brokenCheck('run() { return new Promise(() => {}); }', '1s');
    expect(check).toMatchObject({ status: 'incomplete', reason: 'the check did not finish within 1s (--timeout)' });
    expect(performance.now() - started).toBeLessThan(8_000);
  });
});
