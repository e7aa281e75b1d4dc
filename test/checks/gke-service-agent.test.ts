import { expect } from 'vitest';
import gkeServiceAgent from '../../checks/gke-service-agent.js';
import type { ClusterState, DataKey } from '../../src/state/cluster-state.js';
import type { Cluster, IamPolicy } from '../../src/state/gcp-types.js';
import { testCheck } from '../support/check-tester.js';
import { clusterState } from '../support/state.js';

const AGENT = 'serviceAccount:service-987654321098@container-engine-robot.iam.gserviceaccount.com';
const SMALL_AGENT = 'serviceAccount:service-42@container-engine-robot.iam.gserviceaccount.com';
const SHARED: Cluster = { name: 'c', location: 'us-central1', networkConfig: { network: 'projects/host/global/networks/shared' } };

function state(bindings: IamPolicy['bindings'], cluster?: Cluster, hostIamPolicy?: IamPolicy, unavailable: [DataKey, string][] = []): ClusterState {
  return clusterState({ project: { projectId: 'p', projectNumber: '42' }, iamPolicy: { bindings }, ...(cluster ? { cluster } : {}), ...(hostIamPolicy ? { hostIamPolicy } : {}) }, [], unavailable);
}
const granted = [{ role: 'roles/container.serviceAgent', members: [SMALL_AGENT] }];
const at = (messageId: string, severity: 'error' | 'warning' | 'info') => ({ messageId, resource: SMALL_AGENT, severity });

testCheck(gkeServiceAgent, {
  valid: [
    'eventarc-initialised',
    'gke-shared-vpc-host-firewall',
    { name: 'the network is the project\'s own', state: state(granted, { name: 'c', networkConfig: { network: 'projects/p/global/networks/default' } }) },
    { name: 'a Shared VPC host granting roles/compute.networkAdmin is not enough, but roles/compute.admin is', state: state(granted, SHARED, { bindings: [{ role: 'roles/compute.admin', members: [SMALL_AGENT] }] }) },
  ],
  invalid: [
    {
      fixture: 'gke-service-agent-deleted',
      findings: [{ messageId: 'agentMissing', resource: AGENT, severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('belongs to a deleted account');
        expect(finding!.fix?.commands).toEqual([`gcloud projects add-iam-policy-binding acme-orders-prod --member=${AGENT} --role=roles/container.serviceAgent`]);
      },
    },
    {
      name: 'roles/owner does not hold every permission of roles/container.serviceAgent',
      state: state([{ role: 'roles/owner', members: [SMALL_AGENT] }]),
      findings: [at('agentMissing', 'error')],
    },
    {
      name: 'a custom role: needed whole, so not decided',
      state: state([{ role: 'projects/p/roles/gkeAgent', members: [SMALL_AGENT] }]),
      findings: [at('agentUncertain', 'warning')],
    },
    {
      fixture: 'gke-shared-vpc-host-no-firewall',
      findings: [{ messageId: 'hostFirewallMissing', resource: AGENT, severity: 'warning' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('acme-net-host');
        expect(finding!.fix?.commands).toEqual([`gcloud projects add-iam-policy-binding acme-net-host --member=${AGENT} --role=roles/compute.securityAdmin`]);
      },
    },
    {
      name: 'the host policy could not be read: incomplete',
      state: state(granted, SHARED, undefined, [['hostIamPolicy', "cannot read the Shared VPC host project's IAM policy (cloudresourcemanager.googleapis.com): permission resourcemanager.projects.getIamPolicy denied"]]),
      findings: [at('hostPolicyUnread', 'info')],
      status: 'incomplete',
    },
    {
      name: 'both: the project first',
      state: state([], SHARED, { bindings: [] }),
      findings: [at('agentMissing', 'error'), at('hostFirewallMissing', 'warning')],
    },
  ],
});

testCheck(gkeServiceAgent, {
  valid: [
    {
      name: "a preflight without a snapshot: the plan's grants alone say nothing of the agent's binding",
      state: { ...state([{ role: 'roles/pubsub.subscriber', members: ['serviceAccount:sa@p.iam.gserviceaccount.com'] }]), notInInputs: new Map([['cluster', 'the inputs hold no cluster']]) },
      examined: [],
    },
  ],
});
