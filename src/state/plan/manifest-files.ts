import { stat } from 'node:fs/promises';
import { InputError } from '../../errors.js';
import { displayPath } from '../files/display-path.js';
import { listDocumentFiles } from '../files/document-files.js';
import type { SourceLocation } from '../cluster-state.js';
import { kubernetesResourceName } from '../cluster-state.js';
import { parseKubernetesFile } from '../files/kubernetes-documents.js';
import { readInputFile, requireSize } from '../files/input-file.js';
import type { KubeObject } from '../kubernetes-types.js';
import { KUBERNETES_KINDS } from '../kubernetes-types.js';
import type { PlannedLayer } from './planned-layer.js';
import { emptyLayer } from './planned-layer.js';

/** How objects read from standard input (`--manifests -`) are named in reports. */
export const STDIN_FILE = '<stdin>';

export interface ManifestObject {
  object: KubeObject;
  location: SourceLocation;
}

/**
 * Reads `--manifests`: YAML or JSON files, directories (every .yaml, .yml and
 * .json below them), or `-` for standard input (`helm template … | gke-doctor
 * check --manifests -`). Each object keeps its file and line.
 */
export async function readManifests(paths: readonly string[], readStdin: () => Promise<string>): Promise<ManifestObject[]> {
  const objects: ManifestObject[] = [];
  for (const path of paths) {
    for (const { file, text } of await manifestTexts(path, readStdin)) {
      // A file named on the command line is read whatever its extension; JSON is valid YAML.
      for (const { object, line } of await parseKubernetesFile(file, text)) objects.push({ object, location: { file, line } });
    }
  }
  return objects;
}

/**
 * Rendered manifests are the whole declared state of what they cover: every
 * Kubernetes kind is known from them (an absent kind means none is declared).
 */
export function manifestsLayer(objects: readonly ManifestObject[]): PlannedLayer {
  const layer = emptyLayer('manifests');
  for (const { object, location } of objects) {
    layer.kubernetes.push(object);
    layer.locations.set(kubernetesResourceName(object), location);
  }
  for (const kind of KUBERNETES_KINDS) layer.provides.add(kind);
  layer.provides.add('ObjectsInTerminatingNamespaces');
  return layer;
}

async function manifestTexts(path: string, readStdin: () => Promise<string>): Promise<{ file: string; text: string }[]> {
  if (path === '-') return [{ file: STDIN_FILE, text: await readStdin() }];
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch {
    throw new InputError(`--manifests ${path}: no such file or directory`);
  }
  const files = isDirectory ? await listDocumentFiles(path) : [path];
  // An empty directory is a wrong path or a render that wrote nowhere: checking nothing would pass.
  if (files.length === 0) throw new InputError(`--manifests ${path}: no inputs found in ${path} (no .yaml, .yml or .json file below it)`);
  return Promise.all(files.map(async (file) => ({ file: display(file), text: await readText(file) })));
}

function readText(file: string): Promise<string> {
  return readInputFile(file, display(file));
}

/** Paths as the user sees them (display-path.ts). */
export const display = displayPath;

/** Everything on standard input, for `-`. */
export async function readStandardInput(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stdin) {
    chunks.push(Buffer.from(chunk));
    bytes += chunks.at(-1)!.length;
    requireSize(STDIN_FILE, bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}
