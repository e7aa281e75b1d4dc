import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { grantMembersField } from '../../../src/state/cluster-state.js';
import { terraformPlanLayer } from '../../../src/state/plan/terraform-layer.js';
import { parseTerraformPlan } from '../../../src/state/plan/terraform-plan.js';
import { fixturePath } from '../../support/fixtures.js';

const SA = 'jobapp-events@acme-jobs-prod.iam.gserviceaccount.com';
const TRIGGER = 'projects/acme-jobs-prod/locations/asia-northeast1/triggers/jobapp-push';
const CLUSTER = 'projects/acme-jobs-prod/locations/asia-northeast1/clusters/prod-cluster';

function layerOf(name: string) {
  return terraformPlanLayer(parseTerraformPlan(`fixtures/preflight/${name}`, readFileSync(fixturePath(`preflight/${name}`), 'utf8')));
}

/** A minimal `terraform show -json` document around some resource_changes entries. */
function plan(changes: object[], extra: object = {}): string {
  return JSON.stringify({ format_version: '1.2', terraform_version: '1.6.6', resource_changes: changes, ...extra });
}

function change(address: string, actions: string[], after: object | null, afterUnknown: object = {}, before: object | null = null) {
  const [type, name] = address.replace(/^module\.[^.]+\./, '').split('.');
  return { address, mode: 'managed', type, name, provider_name: 'registry.terraform.io/hashicorp/google', change: { actions, before, after, after_unknown: afterUnknown } };
}

describe('the seed Eventarc plan', () => {
  const layer = layerOf('seed-eventarc.tfplan.json');

  it('becomes an Eventarc v1 REST trigger', () => {
    expect(layer.eventarcTriggers).toEqual([
      {
        name: TRIGGER,
        eventFilters: [{ attribute: 'type', value: 'google.cloud.pubsub.topic.v1.messagePublished' }],
        serviceAccount: SA,
        destination: { gke: { cluster: 'prod-cluster', location: 'asia-northeast1', namespace: 'jobapp', service: 'jobapp', path: '/events' } },
        transport: { pubsub: { topic: 'projects/acme-jobs-prod/topics/jobapp-requests' } },
      },
    ]);
  });

  it('becomes a container v1 cluster', () => {
    expect(layer.clusters).toEqual([
      expect.objectContaining({
        name: 'prod-cluster',
        location: 'asia-northeast1',
        addonsConfig: { httpLoadBalancing: {} },
        workloadIdentityConfig: { workloadPool: 'acme-jobs-prod.svc.id.goog' },
        ipAllocationPolicy: expect.objectContaining({ useIpAliases: true, clusterSecondaryRangeName: 'gke-prod-cluster-pods-3f5b8c1d', stackType: 'IPV4' }),
      }),
    ]);
  });

  it('reads the project id and, from data "google_project", its number', () => {
    expect([layer.projectId, layer.projectNumber]).toEqual(['acme-jobs-prod', '123456789012']);
  });

  it('turns each google_project_iam_member into a member grant', () => {
    expect(layer.iam).toEqual(
      expect.arrayContaining([
        { kind: 'member', binding: { role: 'roles/eventarc.eventReceiver', members: [`serviceAccount:${SA}`] }, remove: false },
        { kind: 'member', binding: { role: 'roles/container.developer', members: ['serviceAccount:service-123456789012@gcp-sa-eventarc.iam.gserviceaccount.com'] }, remove: false },
      ]),
    );
    expect(layer.iam.map((change) => change.kind === 'member' && change.binding.role)).not.toContain('roles/pubsub.subscriber');
  });

  it.each([
    [TRIGGER, 'google_eventarc_trigger.jobapp_push'],
    [`serviceAccount:${SA}`, 'google_eventarc_trigger.jobapp_push'],
    [CLUSTER, 'google_container_cluster.prod'],
  ])('locates %s at %s and its line in the plan file', (resource, address) => {
    const text = readFileSync(fixturePath('preflight/seed-eventarc.tfplan.json'), 'utf8');
    const line = text.split('\n').findIndex((candidate) => candidate.includes(`"address": ${JSON.stringify(address)}`)) + 1;
    expect(layer.locations.get(resource)).toEqual({ file: 'fixtures/preflight/seed-eventarc.tfplan.json', line, address });
    expect(line).toBeGreaterThan(1);
  });

  it('guesses nothing: only what the server assigns is unknown', () => {
    expect(layer.unknownUntilApply.get(TRIGGER)).toEqual(['eventDataContentType']);
    expect(layer.provides).toEqual(new Set(['eventarcTriggers', 'cluster', 'iamPolicy', 'project']));
  });
});

describe('a plan whose values are known only after apply', () => {
  const layer = layerOf('eventarc-unknown.tfplan.json');

  it('leaves the trigger account out and records it as unknown', () => {
    expect(layer.eventarcTriggers[0]?.serviceAccount).toBeUndefined();
    expect(layer.unknownUntilApply.get(TRIGGER)).toEqual(['serviceAccount', 'eventDataContentType']);
  });

  it('records every grant whose member is unknown, by role, on the project policy', () => {
    expect(layer.iam).toEqual([]);
    expect(layer.unknownUntilApply.get('projects/acme-jobs-prod')).toEqual([
      'bindings[roles/compute.viewer].members',
      'bindings[roles/container.developer].members',
      'bindings[roles/iam.serviceAccountAdmin].members',
      'bindings[roles/eventarc.eventReceiver].members',
      'bindings[roles/pubsub.subscriber].members',
      'bindings[roles/monitoring.metricWriter].members',
    ]);
  });

  it('leaves an unset computed addons_config unknown instead of assuming the default', () => {
    expect(layer.clusters[0]?.addonsConfig).toBeUndefined();
    expect(layer.unknownUntilApply.get(CLUSTER)).toEqual(
      expect.arrayContaining(['addonsConfig.httpLoadBalancing.disabled', 'ipAllocationPolicy.clusterSecondaryRangeName']),
    );
  });

  it('still knows the project number from data "google_project"', () => {
    expect(layer.projectNumber).toBe('123456789012');
  });
});

describe('resource types', () => {
  it('applies google_project_iam_binding and _policy, with conditions, and skips other projects', () => {
    const layer = terraformPlanLayer(
      parseTerraformPlan(
        'plan.json',
        plan([
          change('google_project_iam_policy.all', ['create'], {
            project: 'p',
            policy_data: JSON.stringify({ bindings: [{ role: 'roles/viewer', members: ['user:a@example.com'] }] }),
          }),
          change('google_project_iam_binding.subscribers', ['update'], {
            project: 'p',
            role: 'roles/pubsub.subscriber',
            members: ['serviceAccount:sa@p.iam.gserviceaccount.com'],
            condition: [{ title: 'business hours', expression: 'request.time.getHours("UTC") < 18', description: '' }],
          }),
          change('google_project_iam_member.elsewhere', ['create'], { project: 'other', role: 'roles/owner', member: 'user:b@example.com', condition: [] }),
        ]),
      ),
    );
    expect(layer.iam).toEqual([
      { kind: 'policy', policy: { bindings: [{ role: 'roles/viewer', members: ['user:a@example.com'] }] } },
      {
        kind: 'binding',
        binding: {
          role: 'roles/pubsub.subscriber',
          members: ['serviceAccount:sa@p.iam.gserviceaccount.com'],
          condition: { title: 'business hours', expression: 'request.time.getHours("UTC") < 18', description: '' },
        },
      },
    ]);
  });

  it('a google_project_iam_binding with a member known only after apply grants the known members, and the role is undecided', () => {
    // Terraform's JSON plan writes an unknown set element as null in `after`, true at its index in `after_unknown`.
    const layer = terraformPlanLayer(
      parseTerraformPlan(
        'plan.json',
        plan([
          change(
            'google_project_iam_binding.subscribers',
            ['create'],
            { project: 'p', role: 'roles/pubsub.subscriber', members: ['user:a@example.com', null], condition: [] },
            { members: [false, true], condition: [] },
          ),
        ]),
      ),
    );
    expect(layer.iam).toEqual([{ kind: 'binding', binding: { role: 'roles/pubsub.subscriber', members: ['user:a@example.com'] } }]);
    expect(layer.unknownUntilApply.get('projects/p')).toEqual([grantMembersField('roles/pubsub.subscriber')]);
  });

  it('reads what a deletion removes from the values before it', () => {
    const layer = terraformPlanLayer(
      parseTerraformPlan(
        'plan.json',
        plan([
          change('google_project_iam_member.old', ['delete'], null, {}, { project: 'p', role: 'roles/pubsub.subscriber', member: 'user:a@example.com', condition: [] }),
          change('google_eventarc_trigger.old', ['delete'], null, {}, { project: 'p', location: 'l', name: 'gone' }),
        ]),
      ),
    );
    expect(layer.iam).toEqual([{ kind: 'member', binding: { role: 'roles/pubsub.subscriber', members: ['user:a@example.com'] }, remove: true }]);
    expect(layer.deletedTriggers).toEqual(['projects/p/locations/l/triggers/gone']);
  });

  it('finds resources in child modules of planned_values', () => {
    const layer = terraformPlanLayer(
      parseTerraformPlan(
        'plan.json',
        JSON.stringify({
          format_version: '1.2',
          planned_values: {
            root_module: {
              child_modules: [
                {
                  address: 'module.gke',
                  resources: [
                    {
                      address: 'module.gke.google_container_cluster.main',
                      mode: 'managed',
                      type: 'google_container_cluster',
                      name: 'main',
                      values: { name: 'c', location: 'l', project: 'p', addons_config: [{ http_load_balancing: [{ disabled: true }] }] },
                    },
                  ],
                },
              ],
            },
          },
        }),
      ),
    );
    expect(layer.clusters).toEqual([{ name: 'c', location: 'l', addonsConfig: { httpLoadBalancing: { disabled: true } } }]);
    expect(layer.locations.get('projects/p/locations/l/clusters/c')?.address).toBe('module.gke.google_container_cluster.main');
  });

  it('converts hashicorp/kubernetes blocks into the objects they declare', () => {
    const metadata = (name: string, extra: object = {}) => [{ name, namespace: 'argocd', labels: { 'app.kubernetes.io/name': name }, annotations: null, ...extra }];
    const layer = terraformPlanLayer(
      parseTerraformPlan(
        'plan.json',
        plan([
          change('kubernetes_namespace_v1.argocd', ['create'], { metadata: [{ name: 'argocd', labels: null, annotations: null }], wait_for_default_service_account: false }),
          change('kubernetes_service_v1.server', ['create'], {
            metadata: metadata('argocd-server', { annotations: { 'cloud.google.com/neg': '{"ingress": true}' } }),
            spec: [{ selector: { 'app.kubernetes.io/name': 'argocd-server' }, type: 'ClusterIP', port: [{ name: 'http', port: 80, protocol: 'TCP', target_port: '8080', node_port: null }] }],
          }),
          change('kubernetes_deployment_v1.server', ['create'], {
            metadata: metadata('argocd-server'),
            spec: [
              {
                replicas: '1',
                selector: [{ match_labels: { 'app.kubernetes.io/name': 'argocd-server' } }],
                template: [
                  {
                    metadata: [{ labels: { 'app.kubernetes.io/name': 'argocd-server' } }],
                    spec: [
                      {
                        container: [
                          {
                            name: 'argocd-server',
                            image: 'quay.io/argoproj/argocd:v2.8.4',
                            args: ['/usr/local/bin/argocd-server'],
                            port: [{ container_port: 8080, name: '', protocol: 'TCP' }],
                            readiness_probe: [{ http_get: [{ path: '/healthz', port: '8080', scheme: 'HTTP', http_header: [] }], period_seconds: 30, tcp_socket: [], exec: [] }],
                            liveness_probe: [],
                          },
                        ],
                      },
                    ],
                  },
                ],
              },
            ],
          }),
          change('kubernetes_ingress_v1.server', ['create'], {
            metadata: metadata('argocd-server', { annotations: { 'kubernetes.io/ingress.class': 'gce' } }),
            spec: [
              {
                ingress_class_name: null,
                default_backend: [],
                rule: [
                  {
                    host: 'argocd.acme.example',
                    http: [{ path: [{ path: '/*', path_type: 'ImplementationSpecific', backend: [{ service: [{ name: 'argocd-server', port: [{ number: 80, name: '' }] }] }] }] }],
                  },
                ],
              },
            ],
          }),
          change('kubernetes_manifest.backend_config', ['create'], {
            manifest: { apiVersion: 'cloud.google.com/v1', kind: 'BackendConfig', metadata: { name: 'argocd', namespace: 'argocd' }, spec: { healthCheck: { requestPath: '/healthz' } } },
          }),
        ]),
      ),
    );
    const byKind = Object.fromEntries(layer.kubernetes.map((object) => [object.kind, object]));
    expect(byKind.Namespace).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } });
    expect(byKind.Service).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'argocd-server', namespace: 'argocd', labels: { 'app.kubernetes.io/name': 'argocd-server' }, annotations: { 'cloud.google.com/neg': '{"ingress": true}' } },
      spec: { selector: { 'app.kubernetes.io/name': 'argocd-server' }, type: 'ClusterIP', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] },
    });
    expect(byKind.Deployment?.spec).toEqual({
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'argocd-server' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'argocd-server' } },
        spec: {
          containers: [
            {
              name: 'argocd-server',
              image: 'quay.io/argoproj/argocd:v2.8.4',
              args: ['/usr/local/bin/argocd-server'],
              ports: [{ containerPort: 8080, name: '', protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 30 },
            },
          ],
        },
      },
    });
    expect(byKind.Ingress?.spec).toEqual({
      rules: [
        {
          host: 'argocd.acme.example',
          http: { paths: [{ path: '/*', pathType: 'ImplementationSpecific', backend: { service: { name: 'argocd-server', port: { number: 80, name: '' } } } }] },
        },
      ],
    });
    expect(byKind.BackendConfig?.spec).toEqual({ healthCheck: { requestPath: '/healthz' } });
    expect(layer.locations.get('Deployment/argocd/argocd-server')?.address).toBe('kubernetes_deployment_v1.server');
    expect(layer.provides.has('Ingress')).toBe(true);
  });

  it('records unknown parts of a kubernetes_* resource by API field path', () => {
    const layer = terraformPlanLayer(
      parseTerraformPlan(
        'plan.json',
        plan([
          change(
            'kubernetes_deployment_v1.app',
            ['create'],
            { metadata: [{ name: 'app', namespace: 'jobapp' }], spec: [{ template: [{ spec: [{ container: [{ name: 'app' }] }] }] }] },
            { metadata: [{ uid: true }], spec: [{ template: [{ spec: [{ container: [{ image: true, port: [{ container_port: true }] }] }] }] }] },
          ),
        ]),
      ),
    );
    expect(layer.unknownUntilApply.get('Deployment/jobapp/app')).toEqual(['metadata.uid', 'spec.template.spec.containers[0].image', 'spec.template.spec.containers[0].ports[0].containerPort']);
  });

  it('records unknown parts of a kubernetes_manifest by field path', () => {
    const layer = terraformPlanLayer(
      parseTerraformPlan(
        'plan.json',
        plan([
          change(
            'kubernetes_manifest.sa',
            ['create'],
            { manifest: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ksa', namespace: 'jobapp', annotations: {} } } },
            { manifest: { metadata: { annotations: { 'iam.gke.io/gcp-service-account': true } } }, object: true },
          ),
        ]),
      ),
    );
    expect(layer.unknownUntilApply.get('ServiceAccount/jobapp/ksa')).toEqual(['metadata.annotations.iam.gke.io/gcp-service-account']);
  });
});

describe('bad plans', () => {
  it.each([
    ['PK\u0003\u0004binary', 'plan.out: this is a binary plan file; pass its JSON: terraform show -json plan.out > plan.json'],
    ['{"format_version": "1.2",', 'plan.out: invalid JSON'],
    ['\u001f\u008b\u0008\u0000gzip', 'plan.out: not a text file (binary data); expected the JSON of `terraform show -json PLAN`'],
    ['{"resource_changes": []}', 'plan.out: not the output of `terraform show -json PLAN` (no "format_version")'],
    ['{"format_version": "2.0", "resource_changes": []}', 'plan.out: unsupported plan format_version 2.0'],
    ['{"format_version": "1.0", "values": {"root_module": {}}}', 'plan.out: no "planned_values" or "resource_changes": is this a state file'],
    ['{"format_version": "1.2", "resource_changes": [{"type": "x"}]}', 'plan.out: a resource_changes entry has no "address" or "change"'],
  ])('%j -> %s', (text, message) => {
    expect(() => parseTerraformPlan('plan.out', text)).toThrow(InputError);
    expect(() => parseTerraformPlan('plan.out', text)).toThrow(message);
  });

  it('names the resource whose policy_data is not a policy', () => {
    const text = plan([change('google_project_iam_policy.all', ['create'], { project: 'p', policy_data: '"nope"' })]);
    expect(() => terraformPlanLayer(parseTerraformPlan('plan.json', text))).toThrow('google_project_iam_policy.all: policy_data is not an IAM policy in JSON');
  });
});

describe('google_container_node_pool resources', () => {
  // Shapes of `terraform show -json` for hashicorp/google 5.x: `cluster` is the cluster's id or name.
  const cluster = change('google_container_cluster.c', ['create'], { name: 'c', location: 'l', project: 'p', workload_identity_config: [{ workload_pool: 'p.svc.id.goog' }] });
  const pool = (name: string, actions: string[], after: object, afterUnknown: object = {}) => change(`google_container_node_pool.${name}`, actions, { name, location: 'l', project: 'p', ...after }, afterUnknown);
  const layerWith = (...pools: object[]) => terraformPlanLayer(parseTerraformPlan('plan.json', plan([cluster, ...pools])));

  it('lays them onto their cluster in the container v1 shape, matched by id or by name and location', () => {
    const gpu = { workload_metadata_config: [{ mode: 'GCE_METADATA' }], taint: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' }] };
    const layer = layerWith(
      pool('a', ['no-op'], { cluster: 'projects/p/locations/l/clusters/c', node_config: [gpu] }),
      pool('b', ['no-op'], { cluster: 'c', node_config: [{ workload_metadata_config: [{ mode: 'GKE_METADATA' }], taint: [] }] }),
      pool('elsewhere', ['no-op'], { cluster: 'c', location: 'other', node_config: [] }),
    );
    expect(layer.clusters[0]!.nodePools).toEqual([
      { name: 'a', config: { workloadMetadataConfig: { mode: 'GCE_METADATA' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' }] } },
      { name: 'b', config: { workloadMetadataConfig: { mode: 'GKE_METADATA' }, taints: [] } },
    ]);
  });

  it('gives a new pool without workload_metadata_config the GKE metadata server of a Workload Identity cluster', () => {
    const layer = layerWith(pool('new', ['create'], { cluster: 'c' }, { node_config: true }));
    expect(layer.clusters[0]!.nodePools).toEqual([{ name: 'new', config: { workloadMetadataConfig: { mode: 'GKE_METADATA' }, taints: [] } }]);
    expect(layer.unknownUntilApply.get('projects/p/locations/l/clusters/c')).toBeUndefined();
  });

  it('leaves node pools undecided when the pool names its cluster only after apply, and a known taint list unknown', () => {
    const layer = layerWith(
      pool('later', ['create'], {}, { cluster: true, node_config: true }),
      pool('tainted', ['create'], { cluster: 'c', node_config: [{ workload_metadata_config: [{ mode: 'GKE_METADATA' }] }] }, { node_config: [{ taint: true }] }),
    );
    expect(layer.unknownUntilApply.get('projects/p/locations/l/clusters/c')).toEqual(['nodePools', 'nodePools[tainted].config.taints']);
  });
});
