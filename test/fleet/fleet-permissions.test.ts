import { describe, expect, it } from 'vitest';
import { FLEET_PERMISSIONS } from '../../src/fleet/fleet-permissions.js';
import { useTestFleet } from '../support/test-fleet.js';

// deploy/iam and docs/permissions.md grant what FLEET_PERMISSIONS names (test/deploy): the 403 a fleet run meets must name the same.
const t = useTestFleet();

describe('a fleet run’s 403s name the permissions deploy/iam grants', () => {
  it('a project whose clusters cannot be listed names FLEET_PERMISSIONS.listClusters: its permission and its role', async () => {
    const { report } = await t.checkAll();
    const locked = report!.fleet.projects!.find((project) => project.project === 'locked-out')!;
    const { permission, role } = FLEET_PERMISSIONS.listClusters;
    expect(locked).toMatchObject({ permission, role, reason: expect.stringContaining(`permission ${permission} denied; ${role} grants it`) });
  });
});
