import assert from 'node:assert/strict';
import { decodeProtobufObject } from '../../../../src/api/protobuf/decode.js';
import { rootMessageFor } from '../../../../src/api/protobuf/descriptors/index.js';
import { encodeObject, type EncodeOptions } from './helpers/encoder.js';

type KubeObject = Record<string, unknown> & { apiVersion: string; kind: string };

/**
 * Each object is written exactly as Go's encoding/json would marshal it (value structs present, pointers kept
 * with zero values, nil non-omitempty slices as null), so encode → decode must give it back unchanged.
 */
const CASES: Record<string, KubeObject> = {
  'Secret with data': {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name: 'sh.helm.release.v1.app.v1', namespace: 'default', labels: { name: 'app', owner: 'helm' } },
    immutable: false,
    data: { bin: Buffer.from([0, 255, 128, 10]).toString('base64'), empty: '', release: 'SDRzSUFBQUFBQUFBLw==' },
    stringData: { plain: 'text' },
    type: 'helm.sh/release.v1',
  },
  'Deployment with containers, ports, env, resources': {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: 'web', labels: { app: 'web' }, annotations: { 'a.b/c': 'd' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', ''] }] },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          volumes: [{ name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'k', path: 'p' }], defaultMode: 420 } }],
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.25',
              command: ['nginx', '-g', 'daemon off;'],
              ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'EMPTY' },
                { name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: false } } },
                { name: 'R', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
              ],
              resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } },
              volumeMounts: [{ name: 'cfg', readOnly: true, mountPath: '/etc/cfg' }],
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 3 },
              readinessProbe: { tcpSocket: { port: 80 } },
              imagePullPolicy: 'IfNotPresent',
              securityContext: { runAsUser: 0, readOnlyRootFilesystem: false },
            },
            { name: 'sidecar', image: 'busybox', args: ['sleep', '3600'], resources: {} },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 0,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }],
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      revisionHistoryLimit: 10,
    },
    status: {},
  },
  'ClusterRole with rules': {
    kind: 'ClusterRole',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name: 'reader' },
    rules: [
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['d1'] },
      { verbs: ['get'], nonResourceURLs: ['/healthz', '*'] },
    ],
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'true' } }] },
  },
  'ClusterRole without rules (a nil non-omitempty slice is null)': {
    kind: 'ClusterRole',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name: 'empty' },
    rules: null,
  },
  'ClusterRoleBinding': {
    kind: 'ClusterRoleBinding',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name: 'b' },
    subjects: [
      { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
      { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' },
    ],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
  },
  'DeleteOptions with propagationPolicy and preconditions': {
    kind: 'DeleteOptions',
    apiVersion: 'v1',
    gracePeriodSeconds: 0,
    preconditions: { uid: '3f1c', resourceVersion: '42' },
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
  },
  'TokenRequest with audiences and expirationSeconds': {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: {},
    spec: { audiences: ['api', 'vault'], expirationSeconds: 3600, boundObjectRef: null },
    status: { token: '', expirationTimestamp: null },
  },
  'Service with IntOrString target ports': {
    kind: 'Service',
    apiVersion: 'v1',
    metadata: { name: 'svc1', labels: { app: 'svc1' } },
    spec: {
      ports: [
        { name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 },
        { name: 'named', protocol: 'TCP', port: 81, targetPort: 'http', nodePort: 30080 },
      ],
      selector: { app: 'svc1' },
      type: 'ClusterIP',
      allocateLoadBalancerNodePorts: false,
    },
    status: { loadBalancer: {} },
  },
  'CronJob with a job template': {
    kind: 'CronJob',
    apiVersion: 'batch/v1',
    metadata: { name: 'cj' },
    spec: {
      schedule: '*/1 * * * *',
      suspend: false,
      jobTemplate: {
        metadata: { name: 'cj' },
        spec: {
          backoffLimit: 0,
          template: { metadata: {}, spec: { containers: [{ name: 'cj', image: 'busybox', resources: {} }], restartPolicy: 'OnFailure' } },
        },
      },
    },
    status: {},
  },
  'SelfSubjectAccessReview': {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: {},
    spec: { resourceAttributes: { namespace: 'ns', verb: 'create', group: 'apps', resource: 'deployments' } },
    status: { allowed: false },
  },
  'SelfSubjectReview with extra': {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: '2025-03-04T05:06:07Z' },
    status: { userInfo: { username: 'alice', groups: ['system:authenticated'], extra: { scopes: ['a', 'b'] } } },
  },
  'HorizontalPodAutoscaler v1 (kubectl autoscale, older kubectl)': {
    kind: 'HorizontalPodAutoscaler',
    apiVersion: 'autoscaling/v1',
    metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 },
    status: { currentReplicas: 0, desiredReplicas: 0 },
  },
  'HorizontalPodAutoscaler v2 with every metric source and behavior': {
    kind: 'HorizontalPodAutoscaler',
    apiVersion: 'autoscaling/v2',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        { type: 'Pods', pods: { metric: { name: 'rps', selector: { matchLabels: { a: 'b' } } }, target: { type: 'AverageValue', averageValue: '1k' } } },
        { type: 'Object', object: { describedObject: { kind: 'Ingress', name: 'main', apiVersion: 'networking.k8s.io/v1' }, target: { type: 'Value', value: '10' }, metric: { name: 'hits' } } },
        { type: 'ContainerResource', containerResource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' }, container: 'app' } },
        { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
      ],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] },
        scaleDown: { policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], tolerance: '50m' },
      },
    },
    status: {
      observedGeneration: 2,
      lastScaleTime: '2025-03-04T05:06:07Z',
      currentReplicas: 2,
      desiredReplicas: 3,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '250m', averageUtilization: 40 } } },
        { type: 'External', external: { metric: { name: 'queue' }, current: { value: '12' } } },
      ],
      conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2025-03-04T05:06:07Z', reason: 'ReadyForNewScale', message: 'ok' }],
    },
  },
  'HorizontalPodAutoscaler v2 as kubectl autoscale sends it (nil currentMetrics is null)': {
    kind: 'HorizontalPodAutoscaler',
    apiVersion: 'autoscaling/v2',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    },
    status: { desiredReplicas: 0, currentMetrics: null },
  },
};

const MODES: Record<string, EncodeOptions> = {
  'client-go style (zero values written)': { goStyle: true },
  'protobufjs style (only set fields)': {},
  'reversed field order': { goStyle: true, reverse: true },
};

describe('protobuf round trips', () => {
  for (const [name, obj] of Object.entries(CASES)) {
    for (const [mode, opts] of Object.entries(MODES)) {
      it(`${name}, ${mode}`, () => {
        const message = rootMessageFor(obj.apiVersion, obj.kind);
        assert.ok(message);
        const decoded = decodeProtobufObject(encodeObject(message, obj, opts));
        assert.equal(decoded.kind, obj.kind);
        assert.equal(decoded.apiVersion, obj.apiVersion);
        assert.deepEqual(decoded.object, obj);
      });
    }
  }

  it('drops zero value fields and keeps Go key order', () => {
    const decoded = decodeProtobufObject(encodeObject('core.v1.ConfigMap', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { b: '2', a: '1' } }, { goStyle: true }));
    assert.equal(JSON.stringify(decoded.object), '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c"},"data":{"a":"1","b":"2"}}');
  });
});
