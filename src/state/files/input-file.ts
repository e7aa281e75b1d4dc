import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../../errors.js';

/**
 * The largest file gke-doctor reads. Measured on these machines: a 100 MB
 * `kubectl get pods -A -o json` (43,000 Pods) takes 6 s and 300 MB to parse;
 * 256 MB is about 110,000 Pods in one file, past what GKE clusters hold in
 * practice, and stays under 1 GB of memory. Above it (a wrong file, a disk
 * image) the file is refused at once, without reading it: a 1 GB random file
 * used to take 29 s and 1.2 GB before the parse error.
 */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** The text of an input file (or `undefined` when it does not exist, with `optional`), size-checked, without a byte order mark. */
export async function readInputFile(path: string, shown: string, options: { optional: true }): Promise<string | undefined>;
export async function readInputFile(path: string, shown: string): Promise<string>;
export async function readInputFile(path: string, shown: string, options: { optional?: boolean } = {}): Promise<string | undefined> {
  try {
    const { size } = await stat(path);
    requireSize(shown, size);
    return withoutByteOrderMark(await readFile(path, 'utf8'));
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.optional) return undefined;
    throw new InputError(`${shown}: cannot read: ${code ?? (error as Error).message}`);
  }
}

/** Refuses an input of `bytes` above the limit (files by their size, standard input as it arrives). */
export function requireSize(shown: string, bytes: number): void {
  if (bytes > MAX_INPUT_BYTES) {
    throw new InputError(`${shown}: ${megabytes(bytes)} is over the limit of ${megabytes(MAX_INPUT_BYTES)} for one input file; split it (one kind or namespace per file)`);
  }
}

/** PowerShell and some Windows editors start UTF-8 files with U+FEFF; JSON.parse and YAML readers refuse it. */
export function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** JSON.parse, failing with one line naming the file: V8 quotes the text around the error, newlines included. */
export function parseJsonFile(shown: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${shown}: invalid JSON: ${jsonErrorMessage(error as Error)}`);
  }
}

/** V8's JSON error without the quoted text (`Unexpected token '}', "{ … }" is not valid JSON` -> `Unexpected token '}'`). */
export function jsonErrorMessage(error: Error): string {
  return error.message
    .replace(/, "[\s\S]*" is not valid JSON$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
