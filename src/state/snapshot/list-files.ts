import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MAX_INPUT_BYTES } from '../files/input-file.js';
import { KUBERNETES_DIRECTORY } from './layout.js';

/** The largest `k8s/` file the writer makes: a quarter of what the reader takes (MAX_INPUT_BYTES). */
export const MAX_LIST_FILE_BYTES = MAX_INPUT_BYTES / 4;

/** Text is handed to the file in pieces of about this size. */
const WRITE_CHUNK = 1024 * 1024;

const HEAD = '{\n    "apiVersion": "v1",\n    "items": [';
const TAIL = '\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n';

/**
 * Writes `items` as what `kubectl get KIND -A -o json` prints (a List, indented by 4 as kubectl
 * does), one item at a time: a whole kind in one JSON.stringify passes V8's longest string near
 * 80,000 Pods. Files stay under `maxBytes` so the reader takes them back: `k8s/KIND.json`, then
 * `k8s/KIND/2.json`, `k8s/KIND/3.json`… (the reader reads any file below k8s/). Each file is new
 * (O_CREAT | O_EXCL: never through a link). Returns the files written, relative to `directory`.
 */
export async function writeListFiles(directory: string, kind: string, items: Iterable<unknown>, maxBytes = MAX_LIST_FILE_BYTES): Promise<string[]> {
  const list = new ListFiles(directory, kind, maxBytes);
  try {
    for (const item of items) await list.add(item);
  } finally {
    await list.close();
  }
  return list.files;
}

/** The files of one kind (writeListFiles), written as items are added. */
export class ListFiles {
  /** Relative to the directory. */
  readonly files: string[] = [];
  private part: ListFile | undefined;

  constructor(
    private readonly directory: string,
    private readonly kind: string,
    private readonly maxBytes = MAX_LIST_FILE_BYTES,
  ) {}

  async add(item: unknown): Promise<void> {
    const text = itemText(item);
    const bytes = Buffer.byteLength(text) + 2;
    if (this.part && this.part.count > 0 && this.part.bytes + bytes + TAIL.length > this.maxBytes) {
      const full = this.part;
      this.part = undefined;
      await full.close();
    }
    if (!this.part) {
      const file = this.files.length === 0 ? `${KUBERNETES_DIRECTORY}/${this.kind}.json` : `${KUBERNETES_DIRECTORY}/${this.kind}/${this.files.length + 1}.json`;
      this.files.push(file);
      this.part = await ListFile.create(join(this.directory, file));
    }
    await this.part.add(text, bytes);
  }

  async close(): Promise<void> {
    const part = this.part;
    this.part = undefined;
    await part?.close();
  }
}

const ITEM_HEAD = '{\n    "items": [\n'.length;
const ITEM_TAIL = '\n    ]\n}'.length;

/** One item as it stands in the List: JSON.stringify indents it by 8 there (a RegExp indenting each line cost more than the stringify). */
function itemText(item: unknown): string {
  const wrapped = JSON.stringify({ items: [item] }, null, 4);
  return wrapped.slice(ITEM_HEAD, wrapped.length - ITEM_TAIL);
}

class ListFile {
  count = 0;
  bytes = HEAD.length;
  private pending: string[] = [HEAD];
  private pendingLength = HEAD.length;

  private constructor(private readonly handle: FileHandle) {}

  static async create(path: string): Promise<ListFile> {
    await mkdir(dirname(path), { recursive: true });
    return new ListFile(await open(path, 'wx'));
  }

  async add(text: string, bytes: number): Promise<void> {
    this.pending.push(this.count === 0 ? '\n' : ',\n', text);
    this.pendingLength += text.length + 2;
    this.count++;
    this.bytes += bytes;
    if (this.pendingLength >= WRITE_CHUNK) await this.flush();
  }

  async close(): Promise<void> {
    this.pending.push(this.count === 0 ? '],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n' : TAIL);
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }

  private async flush(): Promise<void> {
    await this.handle.write(this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }
}
