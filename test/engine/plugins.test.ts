import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../../src/engine/plugins.js';
import { runChecksOn } from '../../src/engine/runner.js';
import { CONTEXT, clusterState } from '../support/state.js';

const META = `id: 'no-latest-tag', title: 'No container runs an image tagged latest', severity: 'warning', description: 'd', references: [], needs: ['Pod'], notApplicable: 'no Pods'`;
const POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop' }, spec: { containers: [{ name: 'web', image: 'nginx:latest' }] } };

async function plugin(source: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'gke-doctor-plugin-')), 'plugin.mjs');
  await writeFile(path, source);
  return path;
}

describe('plugins', () => {
  it('a plugin in the shape of the built-ins: messages, and findings made by context.report', async () => {
    const [check] = await loadPlugin(
      await plugin(`export default { ${META},
  messages: { latest: 'Container {{container}} runs {{image}}, an image tagged latest.' },
  run(state, context) {
    const pods = state.kubernetes.list('Pod');
    return {
      examined: pods.map((p) => 'Pod/' + p.metadata.namespace + '/' + p.metadata.name),
      findings: pods.flatMap((p) => p.spec.containers.filter((c) => c.image.endsWith(':latest')).map((c) =>
        context.report({ messageId: 'latest', data: { container: c.name, image: c.image }, resource: 'Pod/' + p.metadata.namespace + '/' + p.metadata.name }))),
    };
  },
};
`),
    );
    const report = await runChecksOn(clusterState({}, [POD]), [check!], CONTEXT);
    expect(report.checks[0]!.findings).toEqual([
      { severity: 'warning', resource: 'Pod/shop/web', messageId: 'latest', message: 'Container web runs nginx:latest, an image tagged latest.', evidence: {}, fix: null },
    ]);
  });

  it('a plugin in the earlier shape (findings written by hand, no messages) still runs', async () => {
    const [check] = await loadPlugin(
      await plugin(`export default { ${META},
  run(state) {
    return { examined: ['Pod/shop/web'], findings: [{ severity: 'warning', resource: 'Pod/shop/web', message: 'runs an image tagged latest', evidence: {}, fix: null }] };
  },
};
`),
    );
    const report = await runChecksOn(clusterState({}, [POD]), [check!], CONTEXT);
    expect(report.checks[0]!.findings.map((finding) => finding.message)).toEqual(['runs an image tagged latest']);
  });

  it('a report with an unknown message id or a missing placeholder makes the check incomplete, naming both', async () => {
    const [check] = await loadPlugin(
      await plugin(`export default { ${META},
  messages: { latest: 'Container {{container}} runs latest.' },
  run(state, context) { return { examined: [], findings: [context.report({ messageId: 'latest', data: {}, resource: 'Pod/shop/web' })] }; },
};
`),
    );
    const report = await runChecksOn(clusterState({}, [POD]), [check!], CONTEXT);
    expect(report.checks[0]!).toMatchObject({ status: 'incomplete', reason: 'the check failed: no-latest-tag latest: no value for {{container}}' });
    const typo = { ...check!, run: (_state: unknown, context: { report: (d: object) => unknown }) => ({ examined: [], findings: [context.report({ messageId: 'latset', resource: 'x' })] }) };
    const typoReport = await runChecksOn(clusterState({}, [POD]), [typo as typeof check & object], CONTEXT);
    expect(typoReport.checks[0]!.reason).toBe('the check failed: check no-latest-tag has no message "latset"');
  });

  it('refuses messages that are not an object of strings, in one line', async () => {
    await expect(loadPlugin(await plugin(`export default { ${META}, messages: ['x'], run() { return { examined: [], findings: [] }; } };\n`))).rejects.toThrow(
      /check no-latest-tag has messages that are not an object of strings/,
    );
  });
});
