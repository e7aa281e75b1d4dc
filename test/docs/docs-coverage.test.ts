import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { buildProgram } from '../../src/cli/program.js';
import { GCP_DATA_KEYS } from '../../src/state/cluster-state.js';
import { PROTECTED_NAMESPACES } from '../../src/fix/protected-namespace-names.js';
import { GCP_DATA_SOURCES } from '../../src/state/live/live-gcp.js';
import type { ProcessIo } from '../../src/cli/process-io.js';
import { KUBERNETES_DIRECTORY, SNAPSHOT_FILES, SNAPSHOT_METADATA_FILE, SNAPSHOT_ROLES_DIRECTORY, SNAPSHOT_UNREAD_FILE } from '../../src/state/snapshot/layout.js';
import { REPO_ROOT } from '../support/fixtures.js';

// What the code has and the documentation must say: every flag, every check, every snapshot file.
// The README is the front door; the pages under docs/ are by task (the README's "Read on" table).

/** README.md, CONTRIBUTING.md and every Markdown page under docs/ (the generated check pages too), by path. */
function pages(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) found.set(path, readFileSync(join(REPO_ROOT, path), 'utf8'));
    }
  };
  walk('docs');
  for (const file of ['README.md', 'CONTRIBUTING.md']) found.set(file, readFileSync(join(REPO_ROOT, file), 'utf8'));
  return found;
}

const io: ProcessIo = { env: {}, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, now: () => new Date(0) };

/** Every flag of every command the program has, as typed (`--output`, `-o`, `--no-config`). */
function programFlags(): { command: string; flag: string }[] {
  const program = buildProgram(io);
  const flags = (command: Command, name: string) =>
    command.options.flatMap((option) => [option.long, option.short].filter((flag): flag is string => flag !== undefined).map((flag) => ({ command: name, flag })));
  return [...flags(program, 'gke-doctor'), ...program.commands.flatMap((command) => flags(command, command.name()))];
}

/** A table cell as it reads: no code spans, links as their text, `\|` as `|`, one space between words. */
const plain = (cell: string) =>
  cell
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/\\\|/g, '|')
    .replace(/\s+/g, ' ')
    .trim();

interface FlagRow {
  flags: string[];
  /** The first cell as written (`--fail-on error\\|warning…` names the choices there). */
  usage: string;
  meaning: string;
}

/** docs/cli.md's option tables, by the commands each section's heading names in code (`check`, `list` and `explain ID`). */
function optionTables(text: string): Map<string, FlagRow[]> {
  const tables = new Map<string, FlagRow[]>();
  for (const section of text.split(/^## /m).slice(1)) {
    const [heading = '', ...body] = section.split('\n');
    const rows = body
      .filter((line) => /^\| `-/.test(line))
      .map((line) => {
        const [flags = '', ...meaning] = line.slice(2, -2).split(/ (?<!\\)\| /);
        return { flags: [...flags.matchAll(/`(--?[A-Za-z][\w-]*)/g)].map((match) => match[1]!), usage: flags, meaning: meaning.join(' | ') };
      });
    for (const [, command] of heading.matchAll(/`([a-z-]+)[^`]*`/g)) tables.set(command!, rows);
  }
  return tables;
}

const mentions = (text: string, token: string) => new RegExp(`(^|[^\\w-])${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(text);

describe('the documentation covers what the code has', () => {
  const docs = pages();
  const everything = [...docs.values()].join('\n');

  it.each(programFlags().map(({ command, flag }) => [flag, command]))('flag %s (of %s) is on a page', (flag) => {
    expect(mentions(everything, flag), `${flag} is on no page: document it where its task is (docs/cli.md lists every flag)`).toBe(true);
  });

  it.each(programFlags().filter(({ flag }) => flag.startsWith('--')).map(({ command, flag }) => [flag, command]))('flag %s (of %s) is in the command reference', (flag) => {
    expect(mentions(docs.get('docs/cli.md')!, flag), `${flag} is not in docs/cli.md`).toBe(true);
  });

  // Each command's table in docs/cli.md is its option list: every option, no other, its help text first (then any detail).
  const tables = optionTables(docs.get('docs/cli.md')!);
  const program = buildProgram(io);
  const commands = [program, ...program.commands];
  const help = program.createHelp();
  const optionsOf = (command: Command) => (command === program ? help.visibleOptions(program) : command.options);
  it.each(commands.flatMap((command) => optionsOf(command).map((option) => [option.flags, command.name(), command, option] as const)))(
    "%s (of %s) has its own row in docs/cli.md's table, which starts with its --help text and names its default and choices",
    (_flags, name, _command, option) => {
      const rows = tables.get(name);
      expect(rows, `docs/cli.md has no "## \`${name}\` options" table`).toBeDefined();
      const row = rows!.find((candidate) => candidate.flags.includes(option.long ?? option.short!));
      expect(row, `${option.flags} is not in the table of ${name} in docs/cli.md`).toBeDefined();
      expect(row!.flags.sort(), 'one row per option, with its short and long flag').toEqual([option.short, option.long].filter((flag) => flag !== undefined).sort());
      const meaning = plain(row!.meaning);
      expect(meaning.startsWith(plain(option.description)), `docs/cli.md says "${meaning}"; ${name} --help says "${option.description}"`).toBe(true);
      const whole = `${plain(row!.usage)} ${meaning}`;
      for (const choice of option.argChoices ?? []) expect(whole, `choice ${choice}`).toContain(choice);
      if (typeof option.defaultValue === 'string') expect(meaning, `default ${option.defaultValue}`).toContain(option.defaultValue);
    },
  );

  it.each([...tables].flatMap(([name, rows]) => rows.flatMap((row) => row.flags.map((flag) => [flag, name] as const))))("docs/cli.md's %s is an option %s has", (flag, name) => {
    const command = commands.find((candidate) => candidate.name() === name)!;
    expect(command, `docs/cli.md has a table for ${name}, which is no command`).toBeDefined();
    const flags = optionsOf(command).flatMap((option) => [option.long, option.short]);
    expect(flags, `${flag} is in the table of ${name} in docs/cli.md, but ${name} has no such option`).toContain(flag);
  });

  it.each(PROTECTED_NAMESPACES.map((entry) => entry.split(' ')[0]!))('docs/fix.md names the protected namespace %s', (name) => {
    expect(docs.get('docs/fix.md')).toContain(`\`${name}\``);
  });

  it("the README's checks table is every built-in check, linked to its page, with its severity and title", () => {
    const section = /^## What it checks\n([\s\S]*?)\n## /m.exec(docs.get('README.md')!)![1]!;
    const rows = [...section.matchAll(/^\| \[`([a-z0-9-]+)`\]\((docs\/checks\/[a-z0-9-]+\.md)\) \| (\w+) \| (.+) \|$/gm)].map((match) => match.slice(1, 5));
    expect(rows).toEqual(builtinChecks.map((check) => [check.id, `docs/checks/${check.id}.md`, check.severity, check.title]));
  });

  it.each(builtinChecks.map((check) => check.id))('check %s is summed up in docs/what-it-checks.md', (id) => {
    expect(docs.get('docs/what-it-checks.md')).toContain(`[\`${id}\`](checks/${id}.md)`);
  });

  // What a live check run reads from Google: the GCP data some built-in check needs, and nothing else.
  const read = new Set(builtinChecks.flatMap((check) => [...check.needs, ...(check.optionalNeeds ?? [])]));
  it.each(GCP_DATA_KEYS.map((key) => [key, read.has(key)] as const))("docs/live.md's What it reads names %s exactly when a check reads it (%s)", (key, isRead) => {
    const section = /^## What it reads\n([\s\S]*?)\n## /m.exec(docs.get('docs/live.md')!)![1]!.replace(/\s+/g, ' ');
    expect(section.includes(GCP_DATA_SOURCES[key].what), `${GCP_DATA_SOURCES[key].what}`).toBe(isRead);
  });

  const layout = [
    ...Object.values(SNAPSHOT_FILES).map(({ file }) => file),
    `${KUBERNETES_DIRECTORY}/`,
    `${SNAPSHOT_ROLES_DIRECTORY}/`,
    SNAPSHOT_METADATA_FILE,
    SNAPSHOT_UNREAD_FILE,
    'REDACTED.md',
  ];
  it.each(layout)('snapshot file %s is in the layout of docs/snapshots.md', (file) => {
    expect(docs.get('docs/snapshots.md'), `${file} (src/state/snapshot/layout.ts) is not in docs/snapshots.md`).toContain(`\`${file}`);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation but - and _ dropped, spaces to -. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

describe('links between the pages', () => {
  const docs = pages();
  const links = [...docs].flatMap(([page, text]) =>
    [...text.replace(/```[\s\S]*?```/g, '').matchAll(/\]\(([^)\s]+)\)/g)].map((match) => [page, match[1]!] as const).filter(([, target]) => !/^(https?:|mailto:)/.test(target)),
  );

  it.each(links)('%s links to %s, which exists', (page, target) => {
    const [path, hash] = target.split('#') as [string, string?];
    const file = path === '' ? page : relative(REPO_ROOT, join(REPO_ROOT, dirname(page), path));
    expect(existsSync(join(REPO_ROOT, file)), `${file} does not exist`).toBe(true);
    if (hash !== undefined) {
      const text = docs.get(file) ?? readFileSync(join(REPO_ROOT, file), 'utf8');
      const anchors = [...text.replace(/```[\s\S]*?```/g, '').matchAll(/^#+ (.+)$/gm)].map((match) => anchor(match[1]!));
      expect(anchors, `${file} has no heading for #${hash}`).toContain(hash);
    }
  });
});
