import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { runCli } from '../support/cli.js';
import { FIXTURE_NOW, fixturePath } from '../support/fixtures.js';

/**
 * Property-based fuzzing of what users hand gke-doctor (issue #10): snapshot
 * files, manifests and Terraform plans, taken from the fixtures and mutated
 * (values replaced by values of other types, keys deleted, text cut short,
 * bytes inserted). Whatever the input: exit 0, 1, 2 or 3 only; exit 2 is
 * exactly one line; never a stack trace; no check fails on the data it was
 * handed. `npm test` runs a few cases with a fixed seed (deterministic);
 * `npm run fuzz` runs many with a random one (GKE_DOCTOR_FUZZ_RUNS, GKE_DOCTOR_FUZZ_SEED).
 */
const RUNS = Number(process.env.GKE_DOCTOR_FUZZ_RUNS ?? 25);
const SEED = process.env.GKE_DOCTOR_FUZZ_RUNS ? Number(process.env.GKE_DOCTOR_FUZZ_SEED ?? Date.now()) : 20_241_130;

const SNAPSHOTS = ['seed-eventarc-stuck-namespace', 'ingress-backendconfig-mismatch', 'gateway-whereami', 'eventarc-custom-role'];
const MANIFESTS = ['preflight/argocd-manifests', 'preflight/gateway-argocd-manifests', 'preflight/store-manifests'];
const PLANS = ['preflight/seed-eventarc.tfplan.json', 'preflight/argocd-cluster.tfplan.json', 'preflight/gateway-argocd-fix.tfplan.json', 'preflight/eventarc-unknown.tfplan.json'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One change to a document: at the `at`-th of its paths (modulo their number), put `value`, or delete the key. */
interface Edit {
  at: number;
  value: Json | typeof DELETE;
}
const DELETE = Symbol('delete');

/** A value of another type than the one usually found, as a broken tool or hand edit leaves it. */
const strangeValue: fc.Arbitrary<Json | typeof DELETE> = fc.oneof(
  fc.constant(DELETE),
  fc.constant(null),
  fc.constantFrom('', ' ', '0', 'true', '-1', '::', 'a\nb', '\u0000', '{}', '[]', '${x}', '9'.repeat(30)),
  fc.integer({ min: -2, max: 70_000 }),
  fc.double({ noNaN: false }).map((value) => (Number.isFinite(value) ? value : 0)),
  fc.boolean(),
  fc.string({ maxLength: 12 }),
  fc.constant([] as Json),
  fc.constant({} as Json),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

const edits = fc.array(fc.record({ at: fc.nat(), value: strangeValue }), { minLength: 1, maxLength: 4 });

/** How the text is damaged after the edits: not at all, cut short, a byte order mark, a stray character. */
const damage = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.constantFrom('"', '{', ']', ':', '\n-', '\t', '\uFFFD', '&a', '*a', '!!binary', '\u0000') }),
  fc.constant({ kind: 'bom' as const }),
);
type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const found: (string | number)[][] = prefix.length ? [prefix] : [];
  if (Array.isArray(value)) value.forEach((item, index) => found.push(...paths(item, [...prefix, index])));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) found.push(...paths(item, [...prefix, key]));
  return found;
}

function applyEdits(document: Json, changes: readonly Edit[]): Json {
  const copy = structuredClone(document);
  for (const { at, value } of changes) {
    const all = paths(copy);
    if (all.length === 0) return value === DELETE ? null : value;
    const path = all[at % all.length]!;
    const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, copy) as Record<string | number, Json> | Json[];
    const key = path.at(-1)!;
    if (value !== DELETE) (parent as Record<string | number, Json>)[key] = value;
    else if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete (parent as Record<string, Json>)[key];
  }
  return copy;
}

function damaged(text: string, how: Damage): string {
  switch (how.kind) {
    case 'none':
      return text;
    case 'bom':
      return `\uFEFF${text}`;
    case 'cut':
      return text.slice(0, Math.floor(text.length * how.at));
    case 'insert': {
      const at = Math.floor(text.length * how.at);
      return text.slice(0, at) + how.text + text.slice(at);
    }
  }
}

/** A mutated copy of a JSON or YAML file's text. */
function mutated(file: string, text: string, changes: readonly Edit[], how: Damage): string {
  if (file.endsWith('.json')) return damaged(`${JSON.stringify(applyEdits(JSON.parse(text) as Json, changes), null, 2)}\n`, how);
  const documents = text.split(/^---$/m).map((part) => parseYaml(part) as Json);
  const index = changes[0]!.at % documents.length;
  documents[index] = applyEdits(documents[index]!, changes);
  return damaged(documents.map((document) => stringifyYaml(document)).join('---\n'), how);
}

/** What every run must hold, whatever its input. */
function expectGraceful(result: { code: number; stdout: string; stderr: string }, input: string): void {
  expect([0, 1, 2, 3], input).toContain(result.code);
  expect(result.stdout + result.stderr, input).not.toMatch(/\n\s+at \S+ \(|\n\s+at file:|^\s*at /m);
  if (result.code === 2) {
    expect(result.stderr.endsWith('\n'), input).toBe(true);
    expect(result.stderr.trimEnd().split('\n'), `${input}\n${result.stderr}`).toHaveLength(1);
    expect(result.stdout, input).toBe('');
    return;
  }
  const report = JSON.parse(result.stdout) as { checks: { id: string; reason: string | null }[] };
  for (const check of report.checks) expect(check.reason ?? '', `${input}: ${check.id}`).not.toMatch(/^the check failed/);
}

/** Every document file of a directory (relative names), and their texts. */
async function documentFiles(directory: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of await readdir(directory, { recursive: true })) {
    if (/\.(json|ya?ml)$/.test(name) && !name.startsWith('.')) files.set(name, await readFile(join(directory, name), 'utf8'));
  }
  return files;
}

const options = { numRuns: RUNS, seed: SEED, endOnFailure: true };

describe('fuzzing: mutated inputs never crash gke-doctor', () => {
  it('snapshot directories', async () => {
    const copies = await Promise.all(
      SNAPSHOTS.map(async (name) => {
        const copy = await mkdtemp(join(tmpdir(), 'gke-doctor-fuzz-'));
        await cp(fixturePath(name), copy, { recursive: true });
        return { copy, files: [...(await documentFiles(copy))] };
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), edits, damage, async (which, fileIndex, changes, how) => {
        const { copy, files } = copies[which % copies.length]!;
        const [file, original] = files[fileIndex % files.length]!;
        await writeFile(join(copy, file), mutated(file, original, changes, how));
        try {
          expectGraceful(await runCli(['check', '--snapshot', copy, '--output', 'json'], { now: () => FIXTURE_NOW }), `${copy}/${file}`);
        } finally {
          await writeFile(join(copy, file), original);
        }
      }),
      options,
    );
  }, 120_000);

  it('manifests', async () => {
    const sets = await Promise.all(MANIFESTS.map(async (name) => [...(await documentFiles(fixturePath(name)))]));
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-fuzz-manifests-'));
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), edits, damage, async (which, fileIndex, changes, how) => {
        const files = sets[which % sets.length]!;
        const [file, original] = files[fileIndex % files.length]!;
        const path = join(directory, file.replace(/\//g, '_'));
        await writeFile(path, mutated(file, original, changes, how));
        expectGraceful(await runCli(['check', '--manifests', path, '--output', 'json'], { now: () => FIXTURE_NOW }), path);
      }),
      options,
    );
  }, 120_000);

  it('Terraform plans', async () => {
    const plans = await Promise.all(PLANS.map(async (name) => ({ name, text: await readFile(fixturePath(name), 'utf8') })));
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-fuzz-plans-'));
    await fc.assert(
      fc.asyncProperty(fc.nat(), edits, damage, async (which, changes, how) => {
        const plan = plans[which % plans.length]!;
        const path = join(directory, 'plan.json');
        await writeFile(path, mutated(plan.name, plan.text, changes, how));
        expectGraceful(await runCli(['check', '--terraform-plan', path, '--output', 'json'], { now: () => FIXTURE_NOW }), `${plan.name} mutated`);
      }),
      options,
    );
  }, 120_000);
});
