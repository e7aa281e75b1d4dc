import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathComponent } from '../../path-component.js';
import { kubectlKind, kubernetesResourceName } from '../cluster-state.js';
import type { KubeObject } from '../kubernetes-types.js';
import { KUBERNETES_DIRECTORY } from './layout.js';
import { ListFiles } from './list-files.js';
import type { Redaction } from './redaction.js';
import { redactObject } from './redaction.js';

/** One kind's files, written as far as its objects came in the order the snapshot writes them. */
interface KindAsRead {
  files: ListFiles;
  /** The objects written, in order. */
  objects: KubeObject[];
  redactions: Redaction[];
  lastName: string;
  /** False once an object came out of order (or a write failed): the kind is written again at the end. */
  inOrder: boolean;
}

/**
 * Each kind's files written while the rest of the cluster is still being read (a list is
 * handed over as it completes), so redacting and writing mostly wait on the network instead of
 * following it (bench/notes.md, `snapshot DIR`). The API server lists a kind in key order
 * (namespace, name), the order of the snapshot's files, so a kind's objects are appended as
 * they come; a kind whose objects do not come in that order (one list per namespace, an object
 * read twice) stops there. At the end, `take` hands over a kind only when what was written is
 * exactly the kind's objects in the writer's order (same objects, same order: byte for byte what
 * the writer would write); anything else is removed and written by the writer.
 */
export class KindsAsRead {
  private readonly kinds = new Map<string, KindAsRead>();
  private readonly seen = new Set<KubeObject>();
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly directory: string) {}

  /** Objects as a list of them completes; ignored once the writer has begun. */
  add(objects: readonly KubeObject[]): void {
    if (this.closed || objects.length === 0) return;
    this.writing = this.writing.then(() => this.write(objects));
  }

  /** Stops taking objects, and closes every file once what was handed over is written. */
  async close(): Promise<void> {
    this.closed = true;
    await this.writing;
    for (const kind of this.kinds.values()) await kind.files.close().catch(() => void (kind.inOrder = false));
  }

  /**
   * The files and redactions of `kind` if they are what writing `objects` (in this order) gives;
   * otherwise undefined, with what was written of it removed.
   */
  async take(kind: string, objects: readonly KubeObject[]): Promise<{ files: string[]; redactions: Redaction[] } | undefined> {
    const written = this.kinds.get(kind);
    if (!written) return undefined;
    this.kinds.delete(kind);
    if (written.inOrder && written.objects.length === objects.length && written.objects.every((object, index) => object === objects[index])) {
      return { files: written.files.files, redactions: written.redactions };
    }
    await this.remove(kind);
    return undefined;
  }

  /** Removes the files of every kind not taken (read, but not in the state written). */
  async removeRest(): Promise<void> {
    for (const kind of [...this.kinds.keys()]) await this.remove(kind);
    this.kinds.clear();
  }

  private async remove(kind: string): Promise<void> {
    await rm(join(this.directory, KUBERNETES_DIRECTORY, `${kind}.json`), { force: true });
    await rm(join(this.directory, KUBERNETES_DIRECTORY, kind), { recursive: true, force: true });
  }

  private async write(objects: readonly KubeObject[]): Promise<void> {
    for (const object of objects) {
      // The Namespaces are handed over twice (their own list, and to find Terminating ones).
      if (this.seen.has(object)) continue;
      this.seen.add(object);
      const kind = pathComponent(kubectlKind(object));
      const name = kubernetesResourceName(object);
      let written = this.kinds.get(kind);
      if (!written) this.kinds.set(kind, (written = { files: new ListFiles(this.directory, kind), objects: [], redactions: [], lastName: '', inOrder: true }));
      if (!written.inOrder) continue;
      if (written.objects.length > 0 && !(written.lastName < name)) {
        written.inOrder = false;
        continue;
      }
      const { object: redacted, redactions } = redactObject(object, name);
      try {
        await written.files.add(redacted);
      } catch {
        // Written again at the end, where a failure fails the snapshot.
        written.inOrder = false;
        continue;
      }
      for (const redaction of redactions) written.redactions.push(redaction);
      written.objects.push(object);
      written.lastName = name;
    }
  }
}
