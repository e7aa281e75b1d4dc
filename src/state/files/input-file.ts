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
    const stats = await stat(path);
    // A FIFO, a socket or a device has no end to wait for (a FIFO nobody writes to blocks the read forever).
    if (!stats.isFile()) throw new InputError(`${shown}: not a regular file (${stats.isDirectory() ? 'a directory' : 'a FIFO, socket or device'}); give a file${stats.isFIFO() ? ", or - for standard input where the flag takes it" : ''}`);
    requireSize(shown, stats.size);
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
  return parseJsonText(shown, text, 'invalid JSON');
}

/** The same, saying `what` before the parser's words; the nesting is checked first (requireJsonNesting). */
export function parseJsonText(shown: string, text: string, what: string): unknown {
  requireJsonNesting(shown, text);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${shown}: ${what}: ${jsonErrorMessage(error as Error)}`);
  }
}

/**
 * How deep a document may nest, and how many arrays and objects it may hold. The deepest real
 * input is a CRD's OpenAPI schema (each level of properties two deep) or a Terraform plan's
 * modules, some tens of levels; 43,000 Pods (100 MB) are about 4 million objects. A file past
 * either is refused before it is parsed: 191 MB of nested `[` took the parser past 4 GB.
 */
export const MAX_NESTING = 512;
export const MAX_CONTAINERS = 20_000_000;

/** Refuses JSON nested deeper than MAX_NESTING or holding more than MAX_CONTAINERS arrays and objects, by one pass over the text. */
export function requireJsonNesting(shown: string, text: string): void {
  let depth = 0;
  let containers = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > MAX_NESTING) throw new InputError(`${shown}: nested more than ${MAX_NESTING} levels deep (at character ${index}); no Kubernetes object, plan or report is`);
      if (++containers > MAX_CONTAINERS) throw new InputError(`${shown}: more than ${MAX_CONTAINERS} arrays and objects; split it (one kind or namespace per file)`);
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
}

/**
 * The same bound for YAML, estimated from above line by line: the column a line's content starts
 * at (past its indentation and any `- ` or `? ` that open nested block nodes), halved, plus the
 * depth of the `[`/`{` flow collections open (outside quotes and comments). A 7 MB YAML file of
 * nested sequences took the parser past 3.7 GB.
 */
export function requireYamlNesting(shown: string, text: string): void {
  const refuse = (line: number) => new InputError(`${shown}:${line}: nested more than ${MAX_NESTING} levels deep; no Kubernetes object or plan is`);
  let flow = 0;
  let line = 1;
  let lineStart = 0;
  let indent = -1;
  let quote = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x0a) {
      line++;
      lineStart = index + 1;
      indent = -1;
      continue;
    }
    if (quote) {
      if (quote === 0x22 && code === 0x5c) index++;
      else if (code === quote) quote = 0;
      continue;
    }
    if (indent < 0) {
      const next = text.charCodeAt(index + 1);
      const opensNode = (code === 0x2d || code === 0x3f) && (next === 0x20 || next === 0x0a || Number.isNaN(next));
      if (code === 0x20 || code === 0x09 || opensNode) {
        if ((index - lineStart) / 2 > MAX_NESTING) throw refuse(line);
        continue;
      }
      indent = (index - lineStart) / 2;
    }
    if (code === 0x23 && (index === lineStart || text.charCodeAt(index - 1) === 0x20)) {
      const end = text.indexOf('\n', index);
      index = (end < 0 ? text.length : end) - 1;
    } else if (code === 0x22 || code === 0x27) {
      const before = index === lineStart ? 0x20 : text.charCodeAt(index - 1);
      if (before === 0x20 || before === 0x5b || before === 0x7b || before === 0x2c || before === 0x3a || before === 0x2d) quote = code;
    } else if (code === 0x5b || code === 0x7b) {
      if (++flow + indent > MAX_NESTING) throw refuse(line);
    } else if ((code === 0x5d || code === 0x7d) && flow > 0) flow--;
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
