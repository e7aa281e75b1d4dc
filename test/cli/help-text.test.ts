import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { ProcessIo } from '../../src/cli/process-io.js';
import { BackupStore, defaultBackupPrefix } from '../../src/fix/backup.js';
import { isProtectedNamespace } from '../../src/fix/protected-namespaces.js';

// Help text that matches behaviour (issue #25): what --help says is what the code does.

const io: ProcessIo = { env: {}, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, now: () => new Date(0) };
const check = buildProgram(io).commands.find((command) => command.name() === 'check')!;
const help = (flag: string) => check.options.find((option) => option.long === flag)!.description;

describe('check --help', () => {
  it('--force names every namespace --fix protects, each of which is protected', () => {
    const named = /protected namespaces \((.*); and the config's protected-namespaces\)$/.exec(help('--force'))![1]!.split(', ');
    // Among them those the first help text left out (Config Sync, Policy Controller, the managed mesh).
    expect(named).toEqual(expect.arrayContaining(['gmp-public', 'config-management-system', 'resource-group-system', 'gatekeeper-system', 'asm-system', 'istio-system when the cluster has the mesh_id label']));
    for (const entry of named) {
      const name = entry.split(' ')[0]!.replace(/\*$/, 'managed-system');
      expect(isProtectedNamespace(name, { resourceLabels: { mesh_id: 'proj-1234' } }), name).toBe(true);
    }
    expect(isProtectedNamespace('istio-system'), 'istio-system without the label').toBe(false);
  });

  it('--backup-dir names the directory --fix makes', async () => {
    const named = /\(default \.\/(.*)\)$/.exec(help('--backup-dir'))![1]!;
    const where = await mkdtemp(join(tmpdir(), 'gke-doctor-help-'));
    const made = await new BackupStore({ prefix: join(where, defaultBackupPrefix(new Date('2026-12-07T23:15:42.123Z'))) }).directoryFor('events-system');
    const root = basename(dirname(made));
    expect(root).toMatch(/^gke-doctor-backup-20261207T231542Z-[A-Za-z0-9]{6}$/);
    expect(root.replace('20261207T231542Z', 'TIMESTAMP').replace(/[A-Za-z0-9]{6}$/, 'RANDOM')).toBe(named);
  });

  it('--config names both file names the search finds, --timeout says it stops checks too (not live only)', () => {
    expect(help('--config')).toContain('.gke-doctor.yaml or .gke-doctor.yml');
    expect(help('--timeout')).not.toMatch(/live only/);
    expect(help('--timeout')).toMatch(/any check still running/);
  });
});
