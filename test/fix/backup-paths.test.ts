import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackupStore } from '../../src/fix/backup.js';

/** Namespace names a hostile API server can send (a real one refuses them: they are not DNS labels). */
const HOSTILE = ['../../..', '../../../../../../tmp/gke-doctor-victim', '/etc/cron.d', 'a/b', '..', '.', 'nul\0byte', 'x'.repeat(300), '.hidden', '__proto__'];

describe('backups never leave --backup-dir (issue 21)', () => {
  it.each(HOSTILE)('a namespace %j gets a directory directly inside --backup-dir', async (namespace) => {
    const parent = join(await mkdtemp(join(tmpdir(), 'gke-doctor-backup-paths-')), 'a', 'b');
    await mkdir(parent, { recursive: true });
    const root = join(parent, 'backups');
    const store = new BackupStore({ directory: root });
    const directory = await store.directoryFor(namespace);
    expect(dirname(directory)).toBe(root);
    expect(await store.write(directory, 'namespace.json', { kind: 'Namespace', metadata: { name: namespace } })).toBe(join(directory, 'namespace.json'));
    expect(await readdir(parent)).toEqual(['backups']);
    expect(await readdir(join(parent, '..'))).toEqual(['b']);
    expect(await readdir(root)).toHaveLength(1);
    // A second run of the same name gets a directory of its own, inside too.
    const again = await store.directoryFor(namespace);
    expect(dirname(again)).toBe(root);
    expect(again).not.toBe(directory);
  });

  it('keeps a plain namespace name as it is', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gke-doctor-backup-paths-'));
    expect(await new BackupStore({ directory: root }).directoryFor('events-system')).toBe(join(root, 'events-system'));
  });
});
