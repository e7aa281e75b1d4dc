import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathInside } from '../path-component.js';

/**
 * Where `--fix` saves each namespace before finalizing it. The files hold
 * whatever was left in the namespace, Secrets with their values included, so
 * directories are 0700 and files 0600; nothing is ever overwritten: a re-run or
 * a concurrent run into the same directory gets directories of its own.
 */
export class BackupStore {
  private root: Promise<string> | undefined;

  /** `directory` as given with --backup-dir, or a prefix for a directory of this run's own. */
  constructor(private readonly where: { directory: string } | { prefix: string }) {}

  /** A new directory for `namespace`, never one that already exists, always inside the root (the name came from the API server). */
  async directoryFor(namespace: string): Promise<string> {
    const root = await (this.root ??= this.makeRoot());
    const wanted = pathInside(root, namespace);
    try {
      await mkdir(wanted, { mode: 0o700 });
      return wanted;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return mkdtemp(`${wanted}-`);
    }
  }

  /** Writes `value` as JSON to a new file (0600); fails rather than replace one. */
  async write(directory: string, file: string, value: unknown): Promise<string> {
    const path = join(directory, file);
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return path;
  }

  private async makeRoot(): Promise<string> {
    if ('directory' in this.where) {
      await mkdir(this.where.directory, { recursive: true, mode: 0o700 });
      return this.where.directory;
    }
    // mkdtemp adds a random suffix: two runs in the same second do not share a directory.
    return mkdtemp(this.where.prefix);
  }
}

const DEFAULT_PREFIX = 'gke-doctor-backup-';

/** The default directory as help and docs name it: the prefix, the run's time, mkdtemp's random suffix. */
export const DEFAULT_BACKUP_DIRECTORY = `./${DEFAULT_PREFIX}TIMESTAMP-RANDOM`;

/** `gke-doctor-backup-20240102T030405Z-`: the default directory's prefix, by the time of the run. */
export function defaultBackupPrefix(now: Date): string {
  return `${DEFAULT_PREFIX}${now.toISOString().replace(/[-:]|\.\d+/g, '')}-`;
}
