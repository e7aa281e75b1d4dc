#!/usr/bin/env node
/* global process, console */
// Writes the "## Expected" section of each fixture's README from what the built CLI finds in it:
// the exit code of `gke-doctor check --snapshot fixtures/NAME`, every finding not suppressed
// (severity, check, resource, message id) and every incomplete check. test/fixtures/expectations.test.ts
// holds the READMEs to it, so a fixture's README always says what the fixture shows.
//
//   npm run build && node scripts/write-fixture-expectations.mjs [NAME ...]
//
// Read the diff before committing it: a changed expectation is a changed behaviour.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expectationLines } from './expectation-lines.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'fixtures');
const names = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(FIXTURES).filter((name) => existsSync(join(FIXTURES, name, 'README.md')));

for (const name of names) {
  const readme = join(FIXTURES, name, 'README.md');
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/gke-doctor.js'), 'check', '--snapshot', `fixtures/${name}`, '-o', 'json', '--no-config'], { cwd: ROOT, encoding: 'utf8' });
  if (run.status === 2) {
    console.log(`${name}: not a snapshot this command reads (${run.stderr.trim()}); left alone`);
    continue;
  }
  const report = JSON.parse(run.stdout);
  const lines = expectationLines(report);
  const section = [
    '## Expected',
    '',
    `\`gke-doctor check --snapshot fixtures/${name}\` exits ${run.status}${lines.length ? ':' : ', with no finding and no incomplete check.'}`,
    ...(lines.length ? ['', ...lines] : []),
    '',
  ].join('\n');
  const text = readFileSync(readme, 'utf8');
  const at = text.indexOf('\n## Expected\n');
  const kept = at >= 0 ? text.slice(0, at + 1) : `${text.trimEnd()}\n\n`;
  const rest = at >= 0 ? text.slice(at + 1).replace(/^## Expected\n[\s\S]*?(?=\n## |$)/, '').replace(/^\n+/, '') : '';
  writeFileSync(readme, `${kept}${section}${rest ? `\n${rest}` : ''}`);
  console.log(`${name}: exits ${run.status}, ${lines.length} line(s)`);
}
