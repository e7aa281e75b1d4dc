import { LineCounter, parseAllDocuments, isMap, isSeq } from 'yaml';
import type { Node } from 'yaml';
import { InputError } from '../../errors.js';
import { requireText } from './binary-text.js';
import type { KubeObject } from '../kubernetes-types.js';
import { firstLine } from '../../first-line.js';
import { kubernetesResourceName } from '../cluster-state.js';
import { kubernetesShapeProblem } from '../data-shapes.js';
import { jsonErrorMessage, requireJsonNesting, requireYamlNesting, withoutByteOrderMark } from './input-file.js';

export interface LocatedObject {
  object: KubeObject;
  /** 1-based line of the object in its file, when known. */
  line?: number;
}

/**
 * Parses what kubectl prints (`-o yaml` / `-o json`), `helm template` or
 * `kustomize build`: single objects, `List`s, multi-document YAML, concatenated
 * JSON. Throws InputError naming the file (and line) when it cannot.
 */
export async function parseKubernetesDocuments(file: string, text: string): Promise<LocatedObject[]> {
  requireText(file, text, 'Kubernetes objects in YAML or JSON');
  text = withoutByteOrderMark(text);
  if (/\.json$/i.test(file)) requireJsonNesting(file, text);
  else requireYamlNesting(file, text);
  const documents = /\.json$/i.test(file) ? parseJsonStream(file, text) : text.length > LARGE_YAML ? await parseLargeYamlStream(file, text) : parseYamlStream(file, text);
  return documents.flatMap(({ value, line, items }) => flattenList(file, value, line, items));
}

/** `parseKubernetesDocuments`, then every object's fields checked against the types checks read (data-shapes.ts). */
export async function parseKubernetesFile(file: string, text: string): Promise<LocatedObject[]> {
  const located = await parseKubernetesDocuments(file, text);
  for (const { object, line } of located) {
    const problem = await kubernetesShapeProblem(object);
    if (problem) throw new InputError(`${location(file, line)}: ${kubernetesResourceName(object)}: ${problem}`);
  }
  return located;
}

interface Document {
  value: unknown;
  line?: number;
  /** Lines of `items[i]` when the document is a List in YAML. */
  items?: number[];
}

/**
 * Above this many characters YAML is read by js-yaml: about 4 times the file's size in
 * memory and several times faster, where the yaml library's document model (which gives
 * each object its line) takes about 9 times and ran out of heap on a 108 MB snapshot
 * (bench/notes.md). Objects from such a file have no line; syntax errors still do. js-yaml loads
 * only for such a file: not at every start (bench/notes.md, Start-up).
 */
const LARGE_YAML = 8_000_000;

async function parseLargeYamlStream(file: string, text: string): Promise<Document[]> {
  const { CORE_SCHEMA, loadAll } = await import('js-yaml');
  let values: unknown[];
  try {
    // The YAML 1.2 core schema, as the yaml library reads: timestamps stay strings.
    values = loadAll(text, undefined, { schema: CORE_SCHEMA, filename: file });
  } catch (error) {
    const { mark, reason } = error as { mark?: { line: number }; reason?: string };
    throw new InputError(`${location(file, mark ? mark.line + 1 : undefined)}: invalid YAML: ${firstLine(reason ?? (error as Error).message)}`);
  }
  return values.filter((value) => value !== null && value !== undefined).map((value) => ({ value }));
}

function parseYamlStream(file: string, text: string): Document[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const result: Document[] = [];
  for (const document of documents) {
    const [error] = document.errors;
    if (error) {
      const line = error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line;
      throw new InputError(`${file}:${line}: invalid YAML: ${firstLine(error.message)}`);
    }
    const contents = document.contents as Node | null;
    const line = contents?.range ? lineCounter.linePos(contents.range[0]).line : undefined;
    let value: unknown;
    try {
      value = document.toJS();
    } catch (error) {
      // yaml refuses aliases that expand without bound (a "billion laughs" document).
      throw new InputError(`${location(file, line)}: invalid YAML: ${firstLine((error as Error).message)}`);
    }
    if (value === null || value === undefined) continue;
    let items: number[] | undefined;
    if (isMap(contents)) {
      const itemsNode = contents.get('items', true);
      if (isSeq(itemsNode)) items = itemsNode.items.map((item) => lineCounter.linePos((item as Node).range?.[0] ?? 0).line);
    }
    result.push({ value, line, items });
  }
  return result;
}

function parseJsonStream(file: string, text: string): Document[] {
  const result: Document[] = [];
  let rest = text;
  let offset = 0;
  while (rest.trim() !== '') {
    try {
      result.push({ value: JSON.parse(rest), line: lineAt(text, offset + leadingSpace(rest)) });
      break;
    } catch (error) {
      // kubectl --watch and some tools print JSON objects back to back: parse the
      // first one and go on from where JSON.parse stopped.
      const message = (error as Error).message;
      const after = /non-whitespace character after JSON at position (\d+)/.exec(message);
      if (after) {
        const end = Number(after[1]);
        result.push({ value: JSON.parse(rest.slice(0, end)), line: lineAt(text, offset + leadingSpace(rest)) });
        rest = rest.slice(end);
        offset += end;
        continue;
      }
      const position = /at position (\d+)/.exec(message);
      const where = position ? `:${lineAt(text, offset + Number(position[1]))}` : '';
      throw new InputError(`${file}${where}: invalid JSON: ${jsonErrorMessage(error as Error).replace(/ in JSON at position \d+.*$/, '')}`);
    }
  }
  return result;
}

function flattenList(file: string, value: unknown, line: number | undefined, itemLines: number[] | undefined): LocatedObject[] {
  if (!isRecord(value)) throw new InputError(`${location(file, line)}: expected a Kubernetes object, found ${describe(value)}`);
  const kind = value.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value.items)) {
    // `kubectl get … -o json` fills in each item's kind; a raw API list (PodList) does not.
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    return value.items.map((item, index) => {
      const itemLine = itemLines?.[index] ?? line;
      if (isRecord(item) && itemKind) {
        item.kind ??= itemKind;
        item.apiVersion ??= value.apiVersion;
      }
      return { object: validateObject(file, item, itemLine), line: itemLine };
    });
  }
  return [{ object: validateObject(file, value, line), line }];
}

function validateObject(file: string, value: unknown, line: number | undefined): KubeObject {
  if (!isRecord(value)) throw new InputError(`${location(file, line)}: expected a Kubernetes object, found ${describe(value)}`);
  if (typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
    throw new InputError(`${location(file, line)}: a Kubernetes object needs "kind" and "apiVersion"`);
  }
  const metadata = value.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== 'string') {
    throw new InputError(`${location(file, line)}: ${value.kind} has no metadata.name`);
  }
  return value as KubeObject;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : `a ${typeof value}`;
}

function location(file: string, line: number | undefined): string {
  return line ? `${file}:${line}` : file;
}

function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function leadingSpace(text: string): number {
  return text.length - text.trimStart().length;
}

