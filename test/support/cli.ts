import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { OutputStream } from '../../src/cli/process-io.js';
import { REPO_ROOT } from './fixtures.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Laid over the test process's environment, as a user's shell would set it. */
  env?: NodeJS.ProcessEnv;
  /** What standard input holds (for `--manifests -`). */
  input?: string;
  /** Whether stdin, stdout and stderr are a terminal. */
  terminal?: boolean;
  now?: () => Date;
  /** Where a report that could not be uploaded goes (default: the system's temporary directory, never the repository). */
  cwd?: string;
}

/** The environment a test run sees: the test process's, without colour unless the test asks for it. */
function environment(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env };
}

/** A stream that keeps what is written to it. */
function capture(terminal: boolean): OutputStream & { text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return Object.assign(stream, { isTTY: terminal, columns: 80, text: () => text });
}

/** Runs the CLI in this process, as bin/gke-doctor.js runs it, with its own streams, environment and clock. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const terminal = options.terminal ?? false;
  const stdout = capture(terminal);
  const stderr = capture(terminal);
  const stdin = Object.assign(Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]), { isTTY: terminal });
  const code = await main(args, { env: environment(options.env), stdin, stdout, stderr, now: options.now ?? (() => new Date()), cwd: options.cwd ?? tmpdir() });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Runs the built CLI (`npm run build` first) in its own process, the way a user does: `node bin/gke-doctor.js …`. */
export function spawnCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${REPO_ROOT}bin/gke-doctor.js`, ...args], { cwd: REPO_ROOT, env: environment(options.env) });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => child.kill(), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
