import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture, temporaryFixture } from '../support/live.js';
import { statusBody } from '../support/fake-kube-apiserver.js';

const BOM = '\uFEFF';

/** A copy of a fixture with some files replaced. */
async function fixtureWith(name: string, files: Record<string, string>): Promise<string> {
  const directory = fixturePath(name);
  const copy: Record<string, string> = {};
  const { readdir } = await import('node:fs/promises');
  for (const file of await readdir(directory, { recursive: true })) {
    if (/\.(json|ya?ml)$/.test(file)) copy[file] = await readFile(join(directory, file), 'utf8');
  }
  return temporaryFixture({ ...copy, ...files });
}

/** Exit 2 with exactly one line on stderr, nothing on stdout, no stack trace. */
function expectOneLine(result: { code: number; stdout: string; stderr: string }, ...patterns: RegExp[]): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr.endsWith('\n')).toBe(true);
  expect(result.stderr.trimEnd().split('\n'), result.stderr).toHaveLength(1);
  expect(result.stdout).toBe('');
  for (const pattern of patterns) expect(result.stderr).toMatch(pattern);
}

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

describe('input shapes are checked where they are read: one line naming the file and the field, exit 2', () => {
  it('IAM members as a string, not a list', async () => {
    const policy = JSON.parse(await readFile(fixturePath('eventarc-initialised/iam-policy.json'), 'utf8')) as { bindings: { members: unknown }[] };
    policy.bindings[0]!.members = 'serviceAccount:a@b.iam.gserviceaccount.com';
    const directory = await fixtureWith('eventarc-initialised', { 'iam-policy.json': JSON.stringify(policy) });
    expectOneLine(await runCli(['check', '--snapshot', directory]), /iam-policy\.json/, /bindings\[0\]\.members/);
  });

  it.each([
    ['metadata.annotations a string', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n  annotations: "cloud.google.com/neg"\nspec:\n  ports: [{port: 80}]\n', /metadata\.annotations/],
    ['spec.ports a map', 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  ports: {port: 80}\n', /spec\.ports/],
    ['containers not a list', 'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers: web\n', /spec\.containers/],
    ['finalizers a string', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: gone, finalizers: kubernetes}\n', /metadata\.finalizers/],
  ])('%s (snapshot and --manifests)', async (_name, yaml, field) => {
    const directory = await fixtureWith('ingress-no-readiness-probe', { 'k8s/broken.yaml': yaml });
    expectOneLine(await runCli(['check', '--snapshot', directory]), /k8s\/broken\.yaml/, field);
    const manifests = await temporaryFixture({ 'broken.yaml': yaml });
    expectOneLine(await runCli(['check', '--manifests', manifests]), /broken\.yaml/, field);
  });
});

describe('a UTF-8 byte order mark (PowerShell writes one) is accepted', () => {
  it('in JSON and YAML snapshot files, and in manifests', async () => {
    const directory = fixturePath('ingress-no-readiness-probe');
    const expected = await runCli(['check', '--snapshot', directory, '--output', 'json']);
    const files: Record<string, string> = {};
    for (const file of ['cluster.json', 'project.json', 'k8s/pods.yaml', 'k8s/services.yaml']) files[file] = BOM + (await readFile(join(directory, file), 'utf8'));
    const withBom = await runCli(['check', '--snapshot', await fixtureWith('ingress-no-readiness-probe', files), '--output', 'json']);
    expect(withBom.stderr).toBe('');
    expect(withBom.code).toBe(expected.code);
    expect(JSON.parse(withBom.stdout).checks.map((check: { status: string }) => check.status)).toEqual(JSON.parse(expected.stdout).checks.map((check: { status: string }) => check.status));
    const manifests = await temporaryFixture({ 'a.json': `${BOM}{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}` });
    expect((await runCli(['check', '--manifests', manifests])).code).not.toBe(2);
  });
});

describe('every exit-2 error is one line', () => {
  it.each([
    ['cluster.json', '{\n  "name": \n}\n'],
    ['cluster.json', '{"name": "c",\n"addonsConfig": {\n'],
    ['k8s/x.json', '[\n{"kind": }\n]'],
    ['k8s/x.yaml', 'a: [\n  b\n c: d\n'],
    ['iam-policy.json', '\n\n{"bindings": [}'],
  ])('%s: %j', async (file, text) => {
    const directory = await fixtureWith('ingress-no-readiness-probe', { [file]: text });
    expectOneLine(await runCli(['check', '--snapshot', directory]), new RegExp(file.replace('.', '\\.')));
  });

  it('a file over the size limit is refused before it is read', async () => {
    const { open } = await import('node:fs/promises');
    const directory = await fixtureWith('ingress-no-readiness-probe', {});
    const handle = await open(join(directory, 'k8s/huge.json'), 'w');
    // Sparse: the size is what is refused, without writing it.
    await handle.truncate(600 * 1024 * 1024);
    await handle.close();
    const started = performance.now();
    expectOneLine(await runCli(['check', '--snapshot', directory]), /k8s\/huge\.json/, /600 MB/, /limit/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('live environment', () => {
  it('a KUBECONFIG list naming a file that does not exist: skipped, as kubectl does', async () => {
    served = await serveFixture('ingress-no-readiness-probe');
    const result = await runCli(['check', '--quiet', '--output', 'json'], { env: { ...served.env, KUBECONFIG: `/nonexistent/kubeconfig:${served.kubeconfig}` } });
    expect(result.stderr).toBe('');
    expect([0, 1, 3]).toContain(result.code);
    expect(JSON.parse(result.stdout).target.cluster).toBe('platform-cluster');
  });

  it.each([
    [403, statusBody(403, 'pods "argocd-server-0" is forbidden: User "gke-doctor" cannot get resource "pods/proxy" in API group "" in the namespace "argocd"', 'Forbidden'), /pods\/proxy/],
    [503, statusBody(503, 'error trying to reach service: dial tcp 10.8.1.17:8080: connect: connection refused', 'ServiceUnavailable'), /could not reach the Pod|connection refused/],
    [404, statusBody(404, 'pods "argocd-server-0" not found', 'NotFound'), /not found|gone/],
  ])('--probe: an API server Status %i is reported as the API server’s, not as the Pod’s answer', async (status, body, said) => {
    served = await serveFixture('seed-argocd-unhealthy', { kube: { podProxy: () => ({ status, body, headers: { 'content-type': 'application/json' } }) } });
    const result = await runCli(['check', '--probe', '--only', 'ingress-health-check', '--output', 'json'], { env: served.env });
    const findings = JSON.parse(result.stdout).checks[0].findings as { message: string }[];
    const text = findings.map((finding) => finding.message).join('\n');
    expect(text).toMatch(said);
    expect(text).toMatch(/API server/);
    expect(text).not.toMatch(new RegExp(`-> ${status}\\b`));
  });
});

describe('live answers are checked for shape too: the data is unavailable, naming the API and the field', () => {
  it('an IAM policy whose members is a string, a Service whose annotations is a string', async () => {
    const policy = JSON.parse(await readFile(fixturePath('eventarc-initialised/iam-policy.json'), 'utf8')) as { bindings: { members: unknown }[] };
    policy.bindings[0]!.members = 'serviceAccount:a@b.iam.gserviceaccount.com';
    const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: broken\n  namespace: default\n  annotations: "cloud.google.com/neg"\nspec:\n  ports: [{port: 80}]\n';
    served = await serveFixture(await fixtureWith('eventarc-initialised', { 'iam-policy.json': JSON.stringify(policy), 'k8s/broken.yaml': service }));
    const result = await runCli(['check', '--output', 'json'], { env: served.env });
    expect(result.code).toBe(3);
    const checks = JSON.parse(result.stdout).checks as { id: string; status: string; reason: string | null }[];
    const iam = checks.find((check) => check.id === 'eventarc-gke-iam')!;
    expect(iam.status).toBe('incomplete');
    expect(iam.reason).toMatch(/IAM policy.*bindings\[0\]\.members must be a list/);
    const ingress = checks.find((check) => check.id === 'ingress-config')!;
    expect(ingress.status).toBe('incomplete');
    expect(ingress.reason).toMatch(/Service\/default\/broken: metadata\.annotations must be an object/);
  });
});
