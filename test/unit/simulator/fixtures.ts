/** Objects for the simulator's table tests, shaped as the server stores them (defaults applied). */
import type { KubeObject } from '../../../src/api/object.js';

export const T0 = Date.parse('2025-01-01T00:00:00Z');
export const at = (ms: number): string => new Date(T0 + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function template(image = 'nginx:1.25', labels: Record<string, string> = { app: 'web' }) {
  return { metadata: { labels }, spec: { containers: [{ name: 'main', image }] } };
}

export function deployment(spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}, generation = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation, creationTimestamp: at(0) },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: template(),
      ...spec,
    },
    status,
  };
}

export interface RsShape {
  readonly name: string;
  readonly replicas: number;
  readonly image?: string;
  readonly available?: number;
  readonly ready?: number;
  readonly current?: number;
  readonly revision?: number;
  readonly created?: number;
  /** The deployment's replicas, as the desired/max annotations record them. */
  readonly desired?: number;
}

export function replicaSet(s: RsShape): KubeObject {
  const hash = s.name.slice(s.name.lastIndexOf('-') + 1);
  const t = template(s.image);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: s.name,
      namespace: 'default',
      uid: `${s.name}-uid`,
      generation: 1,
      creationTimestamp: at(s.created ?? 0),
      labels: { app: 'web', 'pod-template-hash': hash },
      annotations: {
        'deployment.kubernetes.io/revision': String(s.revision ?? 1),
        'deployment.kubernetes.io/desired-replicas': String(s.desired ?? 3),
        'deployment.kubernetes.io/max-replicas': String((s.desired ?? 3) + 1),
      },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas: s.replicas,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } },
      template: { ...t, metadata: { labels: { ...t.metadata.labels, 'pod-template-hash': hash } } },
    },
    status: { replicas: s.current ?? s.replicas, readyReplicas: s.ready ?? s.available ?? s.replicas, availableReplicas: s.available ?? s.replicas },
  };
}

export type PodState = 'pending' | 'ready' | 'notready' | 'succeeded' | 'failed' | 'deleting';

export function pod(name: string, state: PodState, extra: Partial<KubeObject['metadata']> = {}, readyAtMs = 0): KubeObject {
  const ready = state === 'ready';
  const phase = { pending: 'Pending', ready: 'Running', notready: 'Running', succeeded: 'Succeeded', failed: 'Failed', deleting: 'Running' }[state];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `${name}-uid`,
      creationTimestamp: at(0),
      ...(state === 'deleting' && { deletionTimestamp: at(0), finalizers: ['x'] }),
      ...extra,
    },
    spec: { containers: [{ name: 'main', image: 'nginx:1.25' }] },
    status: {
      phase,
      ...(phase === 'Running' && { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: at(readyAtMs) }] }),
    },
  };
}
