import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';

const seed = fixturePath('seed-eventarc-stuck-namespace');

describe('gke-doctor check --snapshot', () => {
  it('prints the seed diagnosis with its fix and exits 1', async () => {
    const { code, stdout, stderr } = await runCli(['check', '--snapshot', seed]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toContain('gke-doctor · snapshot · project acme-jobs-prod · cluster asia-northeast1/prod-cluster');
    expect(stdout).toContain('✖ failed  terminating-namespace');
    expect(stdout).toContain('ERROR  Namespace/events-system');
    expect(stdout).toContain('$ kubectl get namespace events-system -o json | jq');
    expect(stdout).toMatch(/\d+ errors?, \d+ warnings?, \d+ info · \d+ passed, \d+ failed, 0 incomplete/);
  });

  it('writes the version-1 JSON contract', async () => {
    const { code, stdout } = await runCli(['check', '--snapshot', seed, '--output', 'json', '--only', 'terminating-namespace,http-load-balancing-addon']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      version: 1,
      target: { source: 'snapshot', project: 'acme-jobs-prod', location: 'asia-northeast1', cluster: 'prod-cluster' },
      summary: { error: 1, warning: 0, info: 0, passed: 1, failed: 1, incomplete: 0, notApplicable: 0, suppressed: 0 },
    });
    const namespaceCheck = report.checks.find((c: { id: string }) => c.id === 'terminating-namespace');
    expect(Object.keys(namespaceCheck)).toEqual(expect.arrayContaining(['id', 'title', 'status', 'reason', 'durationMs', 'findings']));
    expect(namespaceCheck.findings[0]).toMatchObject({
      severity: 'error',
      resource: 'Namespace/events-system',
      message: expect.any(String),
      evidence: expect.any(Object),
      fix: { summary: expect.any(String), commands: expect.any(Array), terraform: null, automatic: true },
    });
  });

  it.each([
    { args: ['--fail-on', 'never'], code: 0 },
    { args: ['--only', 'http-load-balancing-addon'], code: 0 },
    { args: ['--skip', 'terminating-namespace,eventarc-gke-iam'], code: 0 },
    { args: ['--fail-on', 'warning'], code: 1 },
  ])('exit code $code with $args', async ({ args, code }) => {
    expect((await runCli(['check', '--snapshot', seed, ...args])).code).toBe(code);
  });

  it('exits 3 when a check is incomplete and nothing fails', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-cli-'));
    // A snapshot that holds Kubernetes objects but no cluster.json.
    await mkdir(join(directory, 'k8s'));
    const { code, stdout } = await runCli(['check', '--snapshot', directory, '--only', 'http-load-balancing-addon']);
    expect(code).toBe(3);
    expect(stdout).toContain('? incomplete  http-load-balancing-addon');
    expect(stdout).toContain('cluster.json is not in the snapshot');
  });

  it('writes the report to --output-file, and text to stdout alongside', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'gke-doctor-cli-')), 'report.json');
    const { stdout } = await runCli(['check', '--snapshot', seed, '--output', 'text', '--output', 'json', '--output-file', file]);
    expect(stdout).toContain('terminating-namespace');
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe(1);
  });

  it('pairs --output-file with -o whatever the order, and takes --format for -o', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-cli-'));
    const before = await runCli(['check', '--snapshot', seed, '--output-file', join(directory, 'a.sarif'), '-o', 'sarif']);
    expect(before.stdout).toBe('');
    expect(JSON.parse(await readFile(join(directory, 'a.sarif'), 'utf8')).version).toBe('2.1.0');
    const alias = await runCli(['check', '--snapshot', seed, '--format', 'json', '--output-file', '-']);
    expect(JSON.parse(alias.stdout).version).toBe(1);
  });

  it('refuses an empty --snapshot or --manifests directory: no inputs found (checking nothing would pass)', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'gke-doctor-empty-'));
    expect(await runCli(['check', '--snapshot', empty])).toEqual({ code: 2, stdout: '', stderr: `gke-doctor: --snapshot ${empty}: no inputs found in ${empty} (no file of the snapshot layout, such as cluster.json or k8s/, nor a PROJECT/LOCATION/CLUSTER tree of snapshots)\n` });
    expect(await runCli(['check', '--manifests', empty])).toEqual({ code: 2, stdout: '', stderr: `gke-doctor: --manifests ${empty}: no inputs found in ${empty} (no .yaml, .yml or .json file below it)\n` });
  });

  it('reads a directory of directories as a fleet only when every PROJECT/LOCATION/CLUSTER leaf is a snapshot', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gke-doctor-tree-'));
    await cp(seed, join(root, 'acme-jobs-prod', 'asia-northeast1', 'prod-cluster'), { recursive: true });
    expect((await runCli(['check', '--snapshot', root, '-o', 'json'])).code).toBe(1);
    await mkdir(join(root, 'acme-jobs-prod', 'asia-northeast1', 'notes'), { recursive: true });
    expect(await runCli(['check', '--snapshot', root])).toMatchObject({ code: 2, stderr: expect.stringMatching(/no inputs found in/) });
  });

  it('colours only when asked: NO_COLOR off, FORCE_COLOR on', async () => {
    expect((await runCli(['check', '--snapshot', seed])).stdout).not.toContain('\u001b[');
    expect((await runCli(['check', '--snapshot', seed], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } })).stdout).toContain('\u001b[');
    expect((await runCli(['--no-color', 'check', '--snapshot', seed], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } })).stdout).not.toContain('\u001b[');
  });
});

describe('bad input: one line on stderr, exit 2, no stack trace', () => {
  it.each([
    { name: 'malformed YAML', files: { 'k8s/pods.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n' }, stderr: /^gke-doctor: .*k8s\/pods\.yaml:\d+: invalid YAML: .*\n$/ },
    { name: 'malformed cluster.json', files: { 'cluster.json': '{' }, stderr: /^gke-doctor: .*cluster\.json: invalid JSON: .*\n$/ },
    { name: 'binary cluster.json', files: { 'cluster.json': '\u0000\u0007\u00ff' }, stderr: /^gke-doctor: .*cluster\.json: not a text file \(binary data\); expected the output of `gcloud container clusters describe .*`\n$/ },
    { name: 'binary file in k8s/', files: { 'k8s/x.yaml': '\u0000\u0007' }, stderr: /^gke-doctor: .*k8s\/x\.yaml: not a text file \(binary data\); expected Kubernetes objects in YAML or JSON\n$/ },
  ])('$name', async ({ files, stderr }) => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-cli-'));
    for (const [path, text] of Object.entries(files)) {
      await import('node:fs/promises').then((fs) => fs.mkdir(join(directory, path, '..'), { recursive: true }));
      await writeFile(join(directory, path), text);
    }
    const result = await runCli(['check', '--snapshot', directory]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(stderr);
  });

  it.each([
    { args: ['check', '--snapshot', '/nonexistent'], stderr: 'gke-doctor: /nonexistent: not a snapshot directory' },
    { args: ['check', '--snapshot', seed, '--only', 'nope'], stderr: 'gke-doctor: unknown check "nope"; known checks: ' },
    { args: ['check', '--snapshot', seed, '--fail-on', 'fatal'], stderr: "gke-doctor: option '--fail-on <severity>' argument 'fatal' is invalid" },
    { args: ['check', '--snapshot', seed, '--output', 'xml'], stderr: 'gke-doctor: --output xml: unknown format' },
    { args: ['check', '--snapshot', seed, '--stuck-after', 'soon'], stderr: 'gke-doctor: --stuck-after soon: expected a duration' },
    { args: ['check', '--snapshot', seed, '--output', 'json', '--output', 'text'], stderr: 'gke-doctor: only one --output can go to standard output' },
    { args: ['check', '--bogus'], stderr: "gke-doctor: unknown option '--bogus'" },
    { args: ['explain', 'nope'], stderr: 'gke-doctor: unknown check "nope"; known checks: ' },
    { args: ['check', '--snapshot', seed, '--plugin', './nope.js'], stderr: 'gke-doctor: plugin ./nope.js: cannot load' },
    { args: ['check', '--terraform-plan', '/dev/null'], stderr: 'gke-doctor: --terraform-plan /dev/null: not a regular file' },
  ])('$args', async ({ args, stderr }) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(stderr)).toBe(true);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('list, explain, --version, --help', () => {
  it('lists every check with its default severity and title', async () => {
    const { code, stdout } = await runCli(['list']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^terminating-namespace\s+error\s+No namespace is stuck Terminating$/m);
    expect(stdout).toMatch(/^http-load-balancing-addon\s+error\s+The HTTP load-balancing addon is enabled where GCE Ingresses or GKE Gateways exist$/m);
  });

  it('explains a check: description, what it reads, references', async () => {
    const { code, stdout } = await runCli(['explain', 'terminating-namespace']);
    expect(code).toBe(0);
    expect(stdout).toContain('/api/v1/namespaces/NAME/finalize');
    expect(stdout).toContain('Reads:\n  Namespace objects\n  every object left in a namespace that is being deleted\n');
    expect(stdout).not.toContain('ObjectsInTerminatingNamespaces');
    expect(stdout).toContain('https://github.com/kubernetes/kubernetes/issues/66735');
  });

  it('prints the version and help, exit 0', async () => {
    expect(await runCli(['--version'])).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    const help = await runCli(['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--snapshot <dir>');
  });
});

describe('--plugin', () => {
  it('loads checks written against the exported interface and runs them with the built-ins', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-plugin-'));
    const plugin = join(directory, 'no-default-namespace-pods.mjs');
    await writeFile(
      plugin,
      `export default {
  id: 'no-default-namespace-pods',
  title: 'No Pod runs in the default namespace',
  severity: 'warning',
  description: 'Pods in default are usually a mistake.',
  references: [],
  needs: ['Pod'],
  notApplicable: 'no Pods',
  run(state) {
    const pods = state.kubernetes.list('Pod');
    return {
      examined: pods.map((p) => 'Pod/' + p.metadata.namespace + '/' + p.metadata.name),
      findings: pods.filter((p) => p.metadata.namespace === 'jobapp').map((p) => ({
        severity: 'warning', resource: 'Pod/jobapp/' + p.metadata.name, message: 'in jobapp', evidence: {}, fix: null,
      })),
    };
  },
};
`,
    );
    expect((await runCli(['list', '--plugin', plugin])).stdout).toMatch(/^no-default-namespace-pods\s+warning\s+No Pod runs in the default namespace$/m);
    const { code, stdout } = await runCli(['check', '--snapshot', seed, '--plugin', plugin, '--only', 'no-default-namespace-pods', '--output', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).checks[0].findings[0].resource).toBe('Pod/jobapp/jobapp-6d8f7b9c5d-x2k4q');
  });

  it('rejects a module that exports no check', async () => {
    const plugin = join(await mkdtemp(join(tmpdir(), 'gke-doctor-plugin-')), 'empty.mjs');
    await writeFile(plugin, 'export default 42;\n');
    const { code, stderr } = await runCli(['list', '--plugin', plugin]);
    expect(code).toBe(2);
    expect(stderr).toContain('does not export a check');
  });
});
