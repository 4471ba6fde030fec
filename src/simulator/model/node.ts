/**
 * The simulated kubelet's Node: registered with kind's labels and a fixed capacity, its status
 * reported as a healthy kubelet reports it (no pressure, Ready), and re-reported only when it
 * would change or has not been reported for a while (nodeStatusReportFrequency): the heartbeat
 * that keeps a node alive is its Lease (node-lease.ts), which is far cheaper to write.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/object.js';
import { recs, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { findCondition } from './conditions.js';
import { timeOf } from './objects.js';

export interface NodeFacts {
  readonly name: string;
  /** The address pods on the node report as hostIP. */
  readonly hostIP: string;
  /** What the kubelet and kube-proxy report: the server's own version. */
  readonly version: string;
}

/** Labels the kubelet sets (and puts back) on its node; kubeadm adds the role once. */
export function kubeletLabels(name: string): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
  };
}

export const POD_CIDR_OF_NODE = '10.244.0.0/24';

/** A kind node's resources, allocatable in full (kind reserves nothing for the system). */
const CAPACITY = {
  cpu: '8',
  'ephemeral-storage': '263112772Ki',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
  memory: '32863332Ki',
  pods: '110',
} as const;

const CONDITIONS = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
] as const;

const rfc = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const hex = (...parts: string[]): string => createHash('sha256').update(parts.join('\0')).digest('hex');

const uuidOf = (h: string): string => `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;

/** machineID, systemUUID and bootID: made up, but the same for a node name every time. */
export function nodeIdentity(name: string): { machineID: string; systemUUID: string; bootID: string } {
  return { machineID: hex('machine-id', name).slice(0, 32), systemUUID: uuidOf(hex('system-uuid', name)), bootID: uuidOf(hex('boot-id', name)) };
}

/** The status the kubelet reports at `now`: heartbeat times are now, transition times survive while the status holds. */
export function nodeStatus(prev: Obj, f: NodeFacts, now: Date): Obj {
  const at = rfc(now);
  const previous = recs(prev['conditions']);
  return {
    capacity: { ...CAPACITY },
    allocatable: { ...CAPACITY },
    conditions: CONDITIONS.map((c) => {
      const old = findCondition(previous, c.type);
      return { ...c, lastHeartbeatTime: at, lastTransitionTime: old && old['status'] === c.status ? str(old['lastTransitionTime']) || at : at };
    }),
    addresses: [
      { type: 'InternalIP', address: f.hostIP },
      { type: 'Hostname', address: f.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      ...nodeIdentity(f.name),
      kernelVersion: '6.8.0-60-generic',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'containerd://2.1.1',
      kubeletVersion: f.version,
      kubeProxyVersion: f.version,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

/** The Node the kubelet registers (kind's control-plane node, untainted as a one-node kind cluster leaves it). */
export function registeredNode(f: NodeFacts, now: Date): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: f.name,
      labels: { ...kubeletLabels(f.name), 'node-role.kubernetes.io/control-plane': '' },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: POD_CIDR_OF_NODE, podCIDRs: [POD_CIDR_OF_NODE], providerID: `kind://docker/kind/${f.name}` },
    status: nodeStatus({}, f, now),
  };
}

/** The kubelet's labels where the node lacks them or holds others; undefined when they are all in place. */
export function missingLabels(node: KubeObject): Record<string, string> | undefined {
  const want = kubeletLabels(node.metadata.name ?? '');
  const have = node.metadata.labels ?? {};
  return Object.entries(want).some(([k, v]) => have[k] !== v) ? { ...have, ...want } : undefined;
}

const withoutHeartbeats = (status: Obj): Obj => ({
  ...status,
  conditions: recs(status['conditions']).map(({ lastHeartbeatTime: _h, ...rest }) => rest),
});

export interface NodeReport {
  /** Write the status now. */
  readonly due: boolean;
  /** When to look again (ms since the epoch). */
  readonly recheckAtMs: number;
}

/**
 * Whether to write the node's status: when it would change (heartbeat times aside), or when the
 * last report is `reportMs` old (the kubelet's nodeStatusReportFrequency).
 */
export function nodeReport(node: KubeObject, f: NodeFacts, nowMs: number, reportMs: number): NodeReport {
  const prev = statusOf(node);
  const changed = !isDeepStrictEqual(withoutHeartbeats(nodeStatus(prev, f, new Date(nowMs))), withoutHeartbeats(prev));
  const last = timeOf(findCondition(recs(prev['conditions']), 'Ready')?.['lastHeartbeatTime']);
  if (changed || last === undefined || last + reportMs <= nowMs) return { due: true, recheckAtMs: nowMs + reportMs };
  return { due: false, recheckAtMs: last + reportMs };
}
