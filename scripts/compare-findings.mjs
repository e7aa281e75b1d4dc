#!/usr/bin/env node
/* global process, console */
// Runs every fixture through the built CLI's JSON report at two revisions and prints
// every difference in what the checks found: a refactor must show none.
//
//   node scripts/compare-findings.mjs BASE [HEAD]
//
// BASE and HEAD are git revisions (built once each into a temporary directory, with
// their own `npm ci`) or directories holding a built checkout (bin/ and dist/); HEAD
// defaults to this working tree, built first. Ignored: `durationMs`, and the additive
// fields a finding gained with the ESLint-shaped checks (`messageId`, `fix.action`).
// Exit code: 0 when nothing differs, 1 when something does, 2 on bad input.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'fixtures');
const PREFLIGHT = 'fixtures/preflight';
const MANIFESTS = `${PREFLIGHT}/argocd-manifests`;

function git(...args) {
  return execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' }).trim();
}

/** A directory with a built gke-doctor for `spec`: this tree, a directory, or a revision built once into tmp. */
function checkout(spec) {
  if (spec === undefined) {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    return ROOT;
  }
  if (existsSync(spec) && statSync(spec).isDirectory()) return resolve(spec);
  let commit;
  try {
    commit = git('rev-parse', '--verify', `${spec}^{commit}`);
  } catch {
    console.error(`compare-findings: ${spec} is neither a directory nor a git revision`);
    process.exit(2);
  }
  const directory = join(tmpdir(), `gke-doctor-compare-${commit}`);
  // Written last, so a build that failed or was interrupted is done again, not reused.
  const built = join(directory, '.compare-built');
  if (!existsSync(built)) {
    console.error(`compare-findings: building ${spec} (${commit.slice(0, 7)}) in ${directory}`);
    mkdirSync(directory, { recursive: true });
    execFileSync('sh', ['-c', `git -C "${ROOT}" archive ${commit} | tar -x -C "${directory}"`]);
    execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--silent'], { cwd: directory, stdio: 'inherit' });
    // What `npm run build` does at that revision (bin/ runs the esbuild bundle since f29fa36).
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: directory, stdio: 'inherit' });
    writeFileSync(built, '');
  }
  return directory;
}

/** Every input the tests run checks on: snapshot directories, plans alone, with manifests, and on a snapshot. */
function cases() {
  const snapshots = readdirSync(FIXTURES).filter((name) => statSync(join(FIXTURES, name)).isDirectory() && name !== 'preflight');
  const plans = readdirSync(join(ROOT, PREFLIGHT)).filter((name) => name.endsWith('.tfplan.json'));
  return [
    ...snapshots.map((name) => ['--snapshot', `fixtures/${name}`]),
    ['--snapshot', 'fixtures/remaining-finalizers', '--stuck-after', '1m'],
    ['--manifests', MANIFESTS],
    ...plans.flatMap((plan) => [
      ['--terraform-plan', `${PREFLIGHT}/${plan}`],
      ['--terraform-plan', `${PREFLIGHT}/${plan}`, '--manifests', MANIFESTS],
      ['--terraform-plan', `${PREFLIGHT}/${plan}`, '--snapshot', 'fixtures/seed-eventarc-stuck-namespace'],
      ['--terraform-plan', `${PREFLIGHT}/${plan}`, '--snapshot', 'fixtures/seed-ingress-addon-disabled'],
    ]),
  ];
}

function run(directory, args) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(directory, 'bin/gke-doctor.js'), 'check', ...args, '--output', 'json'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The report without what may differ: the time a check took, and the additive fields. */
function comparable({ code, stdout, stderr }) {
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    return { code, stderr };
  }
  for (const check of report.checks ?? []) {
    delete check.durationMs;
    for (const finding of check.findings ?? []) {
      delete finding.messageId;
      if (finding.fix) delete finding.fix.action;
    }
  }
  return { code, report };
}

/** What differs, check by check and finding by finding, as lines to print. */
function differences(base, head) {
  if (isDeepStrictEqual(base, head)) return [];
  const lines = [];
  if (base.code !== head.code) lines.push(`exit code ${base.code} -> ${head.code}`);
  if (!base.report || !head.report) return [...lines, `base: ${JSON.stringify(base)}`, `head: ${JSON.stringify(head)}`];
  const { checks: baseChecks, ...baseRest } = base.report;
  const { checks: headChecks, ...headRest } = head.report;
  if (!isDeepStrictEqual(baseRest, headRest)) lines.push(`report: ${JSON.stringify(baseRest)}\n  -> ${JSON.stringify(headRest)}`);
  const ids = [...new Set([...baseChecks, ...headChecks].map((check) => check.id))];
  for (const id of ids) {
    const before = baseChecks.find((check) => check.id === id);
    const after = headChecks.find((check) => check.id === id);
    if (isDeepStrictEqual(before, after)) continue;
    if (!before || !after) {
      lines.push(`${id}: ${before ? 'gone' : 'new'}`);
      continue;
    }
    const { findings: beforeFindings, ...beforeRest } = before;
    const { findings: afterFindings, ...afterRest } = after;
    if (!isDeepStrictEqual(beforeRest, afterRest)) lines.push(`${id}: ${JSON.stringify(beforeRest)}\n  -> ${JSON.stringify(afterRest)}`);
    for (let index = 0; index < Math.max(beforeFindings.length, afterFindings.length); index++) {
      if (isDeepStrictEqual(beforeFindings[index], afterFindings[index])) continue;
      lines.push(`${id} finding ${index + 1}:\n  - ${JSON.stringify(beforeFindings[index])}\n  + ${JSON.stringify(afterFindings[index])}`);
    }
  }
  return lines;
}

const [baseSpec, headSpec] = process.argv.slice(2);
if (!baseSpec) {
  console.error('usage: node scripts/compare-findings.mjs BASE [HEAD]   (git revisions or built checkouts; HEAD defaults to this tree)');
  process.exit(2);
}
const base = checkout(baseSpec);
const head = checkout(headSpec);
let differing = 0;
const all = cases();
for (const args of all) {
  const [before, after] = await Promise.all([run(base, args), run(head, args)]);
  const lines = differences(comparable(before), comparable(after));
  if (lines.length === 0) continue;
  differing++;
  console.log(`DIFFERENT  check ${args.join(' ')}`);
  for (const line of lines) console.log(`  ${line}`);
}
console.log(`${all.length - differing} of ${all.length} inputs: same findings at ${baseSpec} and ${headSpec ?? 'the working tree'}${differing ? `; ${differing} differ` : ''}`);
process.exit(differing ? 1 : 0);
