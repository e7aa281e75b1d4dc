import { cp, readFile, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printable } from '../../src/terminal-text.js';
import { runCli } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';

/**
 * Terminal escapes in what an API, a file or a plugin wrote (issue #21): a condition message that
 * retitles the terminal, an object name that clears the screen, an ignore reason that rings the
 * bell reach the terminal as text, in every human-facing output.
 */
const OSC_TITLE = '\u001b]0;pwned\u0007';
const CLEAR = '\u001b[2J\u001b[H';
const HOSTILE = `${OSC_TITLE}${CLEAR}\u009b31m\u0008\r\u202e`;
/** What no human-facing output may carry: ESC, BEL, BS, CR, a C1 CSI, a bidi override. */
// eslint-disable-next-line no-control-regex -- the characters to look for
const RAW = /[\u001b\u0007\u0008\r\u009b\u202e]/;

describe('printable', () => {
  it.each([
    ['\u001b[31mred', '\\u001b[31mred'],
    [OSC_TITLE, '\\u001b]0;pwned\\u0007'],
    ['a\u009bb\u0000c\u007f', 'a\\u009bb\\u0000c\\u007f'],
    ['evil\u202etxt.exe', 'evil\\u202etxt.exe'],
    ['tab\tand\nnewline, ünïcode ✔', 'tab\tand\nnewline, ünïcode ✔'],
  ])('%j -> %j', (text, shown) => expect(printable(text)).toBe(shown));
});

async function hostileFixture(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-escapes-'));
  await cp(fixturePath('eventarc-failed-trigger'), directory, { recursive: true });
  const file = join(directory, 'eventarc-triggers.json');
  const triggers = await readFile(file, 'utf8');
  await writeFile(file, triggers.replace('Eventarc service agent cannot create', `${JSON.stringify(HOSTILE).slice(1, -1)} Eventarc service agent cannot create`));
  return directory;
}

describe('control characters are escaped in every human-facing output', () => {
  it('the text report: condition messages', async () => {
    const result = await runCli(['check', '--snapshot', await hostileFixture(), '--only', 'eventarc-gke-trigger']);
    expect(result.stdout).toContain('\\u001b]0;pwned\\u0007\\u001b[2J');
    expect(result.stdout).not.toMatch(RAW);
  });

  it('the text report: ignore reasons; and stderr', async () => {
    const directory = await hostileFixture();
    const config = join(directory, 'config.yaml');
    const reason = JSON.stringify(`accepted ${HOSTILE}`);
    await writeFile(config, `ignore:\n  - check: eventarc-gke-trigger\n    resource: "**"\n    reason: ${reason}\n  - check: eventarc-gke-iam\n    resource: "**${JSON.stringify(CLEAR).slice(1, -1)}"\n    reason: ${reason}\n    expires: 2020-01-01\n`);
    const result = await runCli(['check', '--snapshot', directory, '--config', config, '--report-unused-ignores']);
    expect(result.stdout).toMatch(/suppressed \(config: accepted \\u001b\]0;pwned/);
    expect(result.stderr).toMatch(/expired/);
    expect(result.stdout + result.stderr).not.toMatch(RAW);
  });

  it('stderr: a bad-input line quoting what was given', async () => {
    const result = await runCli(['check', '--snapshot', fixturePath('healthy'), '--output', `x${HOSTILE}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('\\u001b]0;pwned');
    expect(result.stderr).not.toMatch(RAW);
  });

  it('the fleet text report (merge)', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-escapes-'));
    const report = await runCli(['check', '--snapshot', await hostileFixture(), '--output', 'json']);
    await writeFile(join(directory, 'a.json'), report.stdout);
    const result = await runCli(['merge', join(directory, 'a.json'), '--output', 'text']);
    expect(result.stdout).toContain('\\u001b]0;pwned');
    expect(result.stdout + result.stderr).not.toMatch(RAW);
  });
});
