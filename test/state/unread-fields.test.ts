// The fields a check run leaves out while listing, and the parts its Pods share (src/state/live/unread-fields.ts),
// must change no finding: every built-in check on every fixture, with whole objects and without those fields.
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../src/state/cluster-state.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { SharedParts, withoutUnreadFields } from '../../src/state/live/unread-fields.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import type { StateSource } from '../../src/state/source.js';
import { FIXTURE_NOW, fixturePath } from '../support/fixtures.js';
import { comparable, snapshotFixtures } from '../support/live.js';
import { runChecks } from '../support/run-checks.js';

/** The fixture's snapshot with each object as a check run lists it. */
function withoutUnread(source: StateSource): StateSource {
  return {
    collect: async (keys: ReadonlySet<DataKey>) => {
      const state = await source.collect(keys);
      const shared = new SharedParts();
      return { ...state, kubernetes: new KubernetesObjects(state.kubernetes.all().map((object) => withoutUnreadFields(object, shared))) };
    },
  } as StateSource;
}

const fields = (object: unknown): number => (typeof object === 'object' && object !== null ? Object.values(object).reduce<number>((count, value) => count + 1 + fields(value), 0) : 0);

describe('fields left out while listing', async () => {
  const fixtures = await snapshotFixtures();
  const context = { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000 };
  let leftOut = 0;

  it.each(fixtures)('%s: every check finds the same without them', async (name) => {
    const whole = new SnapshotSource(fixturePath(name));
    const objects = (await whole.collect(new Set(builtinChecks.flatMap((check) => [...check.needs, ...(check.optionalNeeds ?? [])])))).kubernetes.all();
    leftOut += objects.reduce((count, object: KubeObject) => count + fields(object) - fields(withoutUnreadFields(object)), 0);
    const [before, after] = await Promise.all([runChecks(builtinChecks, whole, context), runChecks(builtinChecks, withoutUnread(new SnapshotSource(fixturePath(name))), context)]);
    expect(comparable(after)).toEqual(comparable(before));
  });

  it('the fixtures hold such fields, so the comparison above compares something', () => {
    expect(leftOut).toBeGreaterThan(100);
  });
});
