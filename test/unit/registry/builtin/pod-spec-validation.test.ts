/**
 * Pod spec rules (resources, probes and hooks, security contexts, nodeSelector, tolerations) for
 * a bare Pod and every kind embedding a pod template: each case is one spec, checked under every
 * owner with the owner's path in front of each cause.
 */
import assert from 'node:assert/strict';
import type { ResourceDefinition } from '../../../../src/registry/definition.js';
import { daemonsets, deployments, replicasets, statefulsets } from '../../../../src/registry/builtin/apps.js';
import { cronjobs, jobs } from '../../../../src/registry/builtin/batch.js';
import { pods, podtemplates, replicationcontrollers, secrets } from '../../../../src/registry/builtin/core.js';
import { dockerConfigJSONError } from '../../../../src/registry/builtin/core-config.js';
import { create, fresh, type Causes } from './support.js';

type Body = Record<string, unknown>;

/** How each owner embeds a pod spec, and where upstream reports its fields. */
const OWNERS: [string, ResourceDefinition, string, (spec: Body) => Body][] = [
  ['Pod', pods, 'spec', (spec) => ({ spec })],
  ['PodTemplate', podtemplates, 'template.spec', (spec) => ({ template: { metadata: { labels: { app: 'web' } }, spec } })],
  ['Deployment', deployments, 'spec.template.spec', (spec) => ({ spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec } } })],
  ['ReplicaSet', replicasets, 'spec.template.spec', (spec) => ({ spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec } } })],
  ['DaemonSet', daemonsets, 'spec.template.spec', (spec) => ({ spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec } } })],
  ['ReplicationController', replicationcontrollers, 'spec.template.spec', (spec) => ({ spec: { selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec } } })],
  ['Job', jobs, 'spec.template.spec', (spec) => ({ spec: { template: { spec: { restartPolicy: 'Never', ...spec } } } })],
  [
    'CronJob',
    cronjobs,
    'spec.jobTemplate.spec.template.spec',
    (spec) => ({ spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', ...spec } } } } } }),
  ],
];

const c = (extra: Body = {}): Body => ({ name: 'a', image: 'nginx', ...extra });
/** A spec with one container `a` carrying `extra`. */
const one = (extra: Body, spec: Body = {}): Body => ({ containers: [c(extra)], ...spec });
const res = (requests?: Body, limits?: Body): Body => ({ resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } });
const C0 = 'containers[0]';

/** [case, pod spec, causes as [type, path below the pod spec]]. */
const INVALID: [string, Body, Causes][] = [
  // Resources.
  ['negative cpu request', one(res({ cpu: -1 })), [['FieldValueInvalid', `${C0}.resources.requests[cpu]`]]],
  ['negative memory limit', one(res({ memory: '1Gi' }, { memory: '-1Gi' })), [
    ['FieldValueInvalid', `${C0}.resources.limits[memory]`],
    ['FieldValueInvalid', `${C0}.resources.requests`],
  ]],
  ['unqualified resource name', one(res({ foo: 1 })), [
    ['FieldValueInvalid', `${C0}.resources.requests[foo]`],
    ['FieldValueInvalid', `${C0}.resources.requests[foo]`],
  ]],
  ['a quota resource name', one(res({ pods: 1 })), [['FieldValueInvalid', `${C0}.resources.requests[pods]`]]],
  ['a prefixed name that is no extended resource', one(res({ 'requests.example.com/gpu': 1 }, { 'requests.example.com/gpu': 1 })), [
    ['FieldValueInvalid', `${C0}.resources.limits[requests.example.com/gpu]`],
    ['FieldValueInvalid', `${C0}.resources.requests[requests.example.com/gpu]`],
  ]],
  ['memory request above the limit', one(res({ memory: '2Gi' }, { memory: '1Gi' })), [['FieldValueInvalid', `${C0}.resources.requests`]]],
  ['cpu request above the limit (kubectl set resources)', one(res({ cpu: '200m' }, { cpu: '100m' })), [['FieldValueInvalid', `${C0}.resources.requests`]]],
  ['extended resource without a limit', one(res({ 'example.com/gpu': 1 })), [['FieldValueRequired', `${C0}.resources.limits`]]],
  ['extended resource fractional, and below its limit', one(res({ 'example.com/gpu': '500m' }, { 'example.com/gpu': 1 })), [
    ['FieldValueInvalid', `${C0}.resources.requests[example.com/gpu]`],
    ['FieldValueInvalid', `${C0}.resources.requests`],
  ]],
  ['hugepages without cpu or memory', one(res({ 'hugepages-2Mi': '4Mi' }, { 'hugepages-2Mi': '4Mi' })), [['FieldValueForbidden', `${C0}.resources`]]],
  ['hugepages not a whole number of pages', one(res({ 'hugepages-2Mi': '3Mi', memory: '1Gi' }, { 'hugepages-2Mi': '3Mi', memory: '1Gi' })), [
    ['FieldValueInvalid', `${C0}.resources.limits[hugepages-2Mi]`],
    ['FieldValueInvalid', `${C0}.resources.requests[hugepages-2Mi]`],
  ]],
  ['init container resources too', { initContainers: [{ name: 'i', image: 'busybox', ...res({ cpu: '-100m' }) }], containers: [c()] }, [
    ['FieldValueInvalid', 'initContainers[0].resources.requests[cpu]'],
  ]],

  // Probes and lifecycle hooks.
  ['probe without a handler', one({ readinessProbe: { periodSeconds: 5 } }), [['FieldValueRequired', `${C0}.readinessProbe`]]],
  ['probe with two handlers', one({ livenessProbe: { exec: { command: ['true'] }, httpGet: { port: 80 } } }), [['FieldValueForbidden', `${C0}.livenessProbe.httpGet`]]],
  ['probe ports out of range or misnamed', {
    containers: [
      c({ livenessProbe: { httpGet: { port: 0 } }, readinessProbe: { tcpSocket: { port: 70000 } }, startupProbe: { httpGet: { port: 'Bad_Name' } } }),
    ],
  }, [
    ['FieldValueInvalid', `${C0}.livenessProbe.httpGet.port`],
    ['FieldValueInvalid', `${C0}.readinessProbe.tcpSocket.port`],
    ['FieldValueInvalid', `${C0}.startupProbe.httpGet.port`],
  ]],
  ['grpc probe on port 0', one({ livenessProbe: { grpc: { port: 0 } } }), [['FieldValueInvalid', `${C0}.livenessProbe.grpc.port`]]],
  ['exec probe without a command', one({ readinessProbe: { exec: {} } }), [['FieldValueRequired', `${C0}.readinessProbe.exec.command`]]],
  ['httpGet with an unknown scheme and a bad header', one({ readinessProbe: { httpGet: { port: 80, scheme: 'FTP', httpHeaders: [{ name: 'a b', value: 'x' }] } } }), [
    ['FieldValueNotSupported', `${C0}.readinessProbe.httpGet.scheme`],
    ['FieldValueInvalid', `${C0}.readinessProbe.httpGet.httpHeaders`],
  ]],
  ['negative probe timings', one({ readinessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: -1, timeoutSeconds: -2, periodSeconds: -3, failureThreshold: -4 } }), [
    ['FieldValueInvalid', `${C0}.readinessProbe.initialDelaySeconds`],
    ['FieldValueInvalid', `${C0}.readinessProbe.timeoutSeconds`],
    ['FieldValueInvalid', `${C0}.readinessProbe.periodSeconds`],
    ['FieldValueInvalid', `${C0}.readinessProbe.failureThreshold`],
  ]],
  ['successThreshold other than 1 on liveness and startup probes', one({
    livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 },
    startupProbe: { tcpSocket: { port: 80 }, successThreshold: 3 },
  }), [
    ['FieldValueInvalid', `${C0}.livenessProbe.successThreshold`],
    ['FieldValueInvalid', `${C0}.startupProbe.successThreshold`],
  ]],
  ['negative successThreshold on a liveness probe', one({ livenessProbe: { tcpSocket: { port: 80 }, successThreshold: -1 } }), [
    ['FieldValueInvalid', `${C0}.livenessProbe.successThreshold`],
    ['FieldValueInvalid', `${C0}.livenessProbe.successThreshold`],
  ]],
  ['terminationGracePeriodSeconds on a readiness probe', one({ readinessProbe: { tcpSocket: { port: 80 }, terminationGracePeriodSeconds: 10 } }), [
    ['FieldValueInvalid', `${C0}.readinessProbe.terminationGracePeriodSeconds`],
  ]],
  ['probe terminationGracePeriodSeconds of 0', one({ livenessProbe: { tcpSocket: { port: 80 }, terminationGracePeriodSeconds: 0 } }), [
    ['FieldValueInvalid', `${C0}.livenessProbe.terminationGracePeriodSeconds`],
  ]],
  ['hooks: empty postStart, preStop sleeping past the grace period', one({ lifecycle: { postStart: {}, preStop: { sleep: { seconds: 60 } } } }), [
    ['FieldValueRequired', `${C0}.lifecycle.postStart`],
    ['FieldValueInvalid', `${C0}.lifecycle.preStop.sleep`],
  ]],
  ['probes and hooks on a plain init container', {
    initContainers: [{ name: 'i', image: 'busybox', readinessProbe: { tcpSocket: { port: 80 } }, lifecycle: { preStop: { exec: { command: ['x'] } } } }],
    containers: [c()],
  }, [
    ['FieldValueForbidden', 'initContainers[0].lifecycle'],
    ['FieldValueForbidden', 'initContainers[0].readinessProbe'],
  ]],
  ['init container restartPolicy other than Always', { initContainers: [{ name: 'i', image: 'busybox', restartPolicy: 'OnFailure' }], containers: [c()] }, [
    ['FieldValueNotSupported', 'initContainers[0].restartPolicy'],
  ]],
  ['restartPolicy on a regular container', one({ restartPolicy: 'Always' }), [['FieldValueForbidden', `${C0}.restartPolicy`]]],
  ['a sidecar probe is validated', { initContainers: [{ name: 'i', image: 'busybox', restartPolicy: 'Always', startupProbe: {} }], containers: [c()] }, [
    ['FieldValueRequired', 'initContainers[0].startupProbe'],
  ]],

  // Security contexts.
  ['negative pod ids', { containers: [c()], securityContext: { runAsUser: -1, runAsGroup: -1, fsGroup: -1, supplementalGroups: [1000, -5] } }, [
    ['FieldValueInvalid', 'securityContext.fsGroup'],
    ['FieldValueInvalid', 'securityContext.runAsUser'],
    ['FieldValueInvalid', 'securityContext.runAsGroup'],
    ['FieldValueInvalid', 'securityContext.supplementalGroups[1]'],
  ]],
  ['negative container ids', one({ securityContext: { runAsUser: -1, runAsGroup: 2147483648 } }), [
    ['FieldValueInvalid', `${C0}.securityContext.runAsUser`],
    ['FieldValueInvalid', `${C0}.securityContext.runAsGroup`],
  ]],
  ['seccomp Localhost without a profile, pod level', { containers: [c()], securityContext: { seccompProfile: { type: 'Localhost' } } }, [
    ['FieldValueRequired', 'securityContext.seccompProfile.localhostProfile'],
  ]],
  ['seccomp profile with another type', one({ securityContext: { seccompProfile: { type: 'RuntimeDefault', localhostProfile: 'p.json' } } }), [
    ['FieldValueInvalid', `${C0}.securityContext.seccompProfile.localhostProfile`],
  ]],
  ['seccomp without or with an unknown type', { containers: [c({ securityContext: { seccompProfile: { type: 'Strict' } } })], securityContext: { seccompProfile: {} } }, [
    ['FieldValueNotSupported', `${C0}.securityContext.seccompProfile.type`],
    ['FieldValueRequired', 'securityContext.seccompProfile.type'],
  ]],
  ['seccomp profile path leaving the profile root', one({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: '/etc/../p.json' } } }), [
    ['FieldValueInvalid', `${C0}.securityContext.seccompProfile.localhostProfile`],
    ['FieldValueInvalid', `${C0}.securityContext.seccompProfile.localhostProfile`],
  ]],
  ['apparmor Localhost without a profile, Unconfined with one', {
    containers: [c({ securityContext: { appArmorProfile: { type: 'Unconfined', localhostProfile: 'p' } } })],
    securityContext: { appArmorProfile: { type: 'Localhost' } },
  }, [
    ['FieldValueInvalid', `${C0}.securityContext.appArmorProfile.localhostProfile`],
    ['FieldValueRequired', 'securityContext.appArmorProfile.localhostProfile'],
  ]],
  ['no privilege escalation yet privileged, or adding CAP_SYS_ADMIN', one({
    securityContext: { allowPrivilegeEscalation: false, privileged: true, capabilities: { add: ['CAP_SYS_ADMIN'] } },
  }), [
    ['FieldValueInvalid', `${C0}.securityContext`],
    ['FieldValueInvalid', `${C0}.securityContext`],
  ]],
  ['unmasked /proc without a user namespace', one({ securityContext: { procMount: 'Unmasked' } }), [['FieldValueInvalid', `${C0}.securityContext.procMount`]]],
  ['unknown security enum values', { containers: [c()], securityContext: { fsGroupChangePolicy: 'Never', supplementalGroupsPolicy: 'Loose' } }, [
    ['FieldValueNotSupported', 'securityContext.fsGroupChangePolicy'],
    ['FieldValueNotSupported', 'securityContext.supplementalGroupsPolicy'],
  ]],
  ['shareProcessNamespace with hostPID', { containers: [c()], shareProcessNamespace: true, hostPID: true }, [['FieldValueInvalid', 'securityContext.shareProcessNamespace']]],
  ['bad and duplicate sysctl names', { containers: [c()], securityContext: { sysctls: [{ name: 'Net.Bad', value: '1' }, { name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'kernel.shm_rmid_forced', value: '0' }] } }, [
    ['FieldValueInvalid', 'securityContext.sysctls[0].name'],
    ['FieldValueDuplicate', 'securityContext.sysctls[2].name'],
  ]],

  // nodeSelector and tolerations.
  ['nodeSelector with a bad key and a bad value', { containers: [c()], nodeSelector: { 'bad key': 'x', disk: 'not ok!' } }, [
    ['FieldValueInvalid', 'nodeSelector'],
    ['FieldValueInvalid', 'nodeSelector'],
  ]],
  ['toleration with an unknown operator', { containers: [c()], tolerations: [{ key: 'k', operator: 'In', value: 'v' }] }, [['FieldValueNotSupported', 'tolerations[0].operator']]],
  ['toleration Exists with a value', { containers: [c()], tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }, [['FieldValueInvalid', 'tolerations[0].operator']]],
  ['toleration without key not Exists', { containers: [c()], tolerations: [{ operator: 'Equal', value: 'v' }] }, [['FieldValueInvalid', 'tolerations[0].operator']]],
  ['toleration with a bad key and value', { containers: [c()], tolerations: [{ key: 'a/b/c', value: 'no spaces' }] }, [
    ['FieldValueInvalid', 'tolerations[0].key'],
    ['FieldValueInvalid', 'tolerations[0].operator'],
  ]],
  ['toleration with an unknown effect', { containers: [c()], tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoRun' }] }, [['FieldValueNotSupported', 'tolerations[0].effect']]],
  ['tolerationSeconds without NoExecute', { containers: [c()], tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }] }, [
    ['FieldValueInvalid', 'tolerations[0].effect'],
  ]],
];

/** Specs upstream accepts, which must stay accepted. */
const VALID: [string, Body][] = [
  ['requests equal to limits written differently', one(res({ cpu: '1100m', memory: '1024Mi' }, { cpu: '1.1', memory: '1Gi' }))],
  ['requests below limits', one(res({ cpu: '250m', memory: '64Mi', 'ephemeral-storage': '1Gi' }, { cpu: 1, memory: '128Mi' }))],
  ['extended resources with equal limits, native prefixed names', one(res({ 'nvidia.com/gpu': 2, 'example.com/foo': '1' }, { 'nvidia.com/gpu': '2', 'example.com/foo': 1, 'kubernetes.io/batch-cpu': '500m' }))],
  ['hugepages with memory', one(res({ 'hugepages-2Mi': '4Mi', memory: '1Gi' }, { 'hugepages-2Mi': '4Mi', memory: '1Gi' }))],
  ['zero quantities', one(res({ cpu: 0, memory: '0' }))],
  ['every probe kind and hook', one({
    livenessProbe: { httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X-Probe', value: '1' }] }, successThreshold: 1, terminationGracePeriodSeconds: 5 },
    readinessProbe: { tcpSocket: { port: 8080 }, successThreshold: 3, initialDelaySeconds: 0 },
    startupProbe: { grpc: { port: 9090 }, failureThreshold: 30 },
    lifecycle: { postStart: { exec: { command: ['sh', '-c', 'true'] } }, preStop: { sleep: { seconds: 0 } } },
  })],
  ['a sidecar with probes and hooks', {
    initContainers: [
      { name: 'init', image: 'busybox' },
      { name: 'proxy', image: 'envoy', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 15021 } }, lifecycle: { preStop: { exec: { command: ['x'] } } } },
    ],
    containers: [c()],
  }],
  ['a restricted security context', {
    containers: [c({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } })],
    securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [0, 4000], fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } },
  }],
  // The kubelet refuses this container when it starts; the API server does not look.
  ['runAsNonRoot with runAsUser 0', one({ securityContext: { runAsNonRoot: true, runAsUser: 0 } })],
  ['privileged with CAP_SYS_ADMIN', one({ securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN'] } } })],
  ['apparmor profiles', {
    containers: [c({ securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-apparmor-example' } } })],
    securityContext: { appArmorProfile: { type: 'RuntimeDefault' } },
  }],
  ['nodeSelector with qualified keys', { containers: [c()], nodeSelector: { 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': '' } }],
  ['tolerations of every shape', {
    containers: [c()],
    tolerations: [
      { operator: 'Exists' },
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'PreferNoSchedule' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' },
    ],
  }],
];

const prefixed = (path: string, causes: Causes): Causes => causes.map(([type, field]) => [type, `${path}.${field}`]);

for (const [owner, def, path, wrap] of OWNERS) {
  describe(`${owner} pod spec validation`, () => {
    for (const [what, spec, want] of INVALID) {
      it(`refuses ${what}`, () => assert.deepEqual(create(def, wrap(structuredClone(spec))).errors, prefixed(path, want)));
    }
    for (const [what, spec] of VALID) {
      it(`accepts ${what}`, () => assert.deepEqual(create(def, wrap(structuredClone(spec))).errors, []));
    }
  });
}

describe('pod spec validation messages clients show', () => {
  const messages = (spec: Body): string[] => {
    const obj = fresh(pods, { spec });
    pods.strategy.prepareForCreate(obj);
    return pods.strategy.validate(obj).map((e) => `${e.field}: ${e.detail}`);
  };
  const CASES: [string, Body, string[]][] = [
    ['memory request above limit', one(res({ memory: '2Gi' }, { memory: '1Gi' })), ['spec.containers[0].resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi']],
    ['cpu request above limit', one(res({ cpu: '200m' }, { cpu: '100m' })), ['spec.containers[0].resources.requests: Invalid value: "200m": must be less than or equal to cpu limit of 100m']],
    ['negative cpu', one(res({ cpu: -1 })), ['spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0']],
    ['unqualified name', one(res({ foo: 1 })), [
      'spec.containers[0].resources.requests[foo]: Invalid value: "foo": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[foo]: Invalid value: "foo": must be a standard resource for containers',
    ]],
    ['extended resource request below limit', one(res({ 'example.com/gpu': 1 }, { 'example.com/gpu': 2 })), [
      'spec.containers[0].resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2',
    ]],
    ['extended resource without limit', one(res({ 'example.com/gpu': 1 })), ['spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources']],
    ['hugepages', one(res({ 'hugepages-2Mi': '3Mi', memory: '1Gi' }, { 'hugepages-2Mi': '3Mi', memory: '1Gi' })), [
      'spec.containers[0].resources.limits[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi',
      'spec.containers[0].resources.requests[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi',
    ]],
    ['probe without handler', one({ readinessProbe: {} }), ['spec.containers[0].readinessProbe: Required value: must specify a handler type']],
    ['probe port 0', one({ livenessProbe: { tcpSocket: { port: 0 } } }), ['spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['liveness successThreshold', one({ livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }), ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1']],
    ['readiness grace period', one({ readinessProbe: { tcpSocket: { port: 80 }, terminationGracePeriodSeconds: 10 } }), [
      'spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 10: must not be set for readinessProbes',
    ]],
    ['negative runAsUser', { containers: [c()], securityContext: { runAsUser: -1 } }, ['spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive']],
    ['toleration Exists with a value', { containers: [c()], tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }, [
      "spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
    ]],
    ['toleration operator', { containers: [c()], tolerations: [{ key: 'k', operator: 'In' }] }, ['spec.tolerations[0].operator: Unsupported value: "In": supported values: "Equal", "Exists"']],
  ];
  for (const [what, spec, want] of CASES) it(what, () => assert.deepEqual(messages(spec), want));
});

describe('pod specs left unvalidated', () => {
  // Upstream's ValidatePodTemplateSpecForStatefulSet checks only template labels and annotations.
  it('a StatefulSet template is not run through ValidatePodSpec', () => {
    const body = { spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: one(res({ cpu: -1 })) } } };
    assert.deepEqual(create(statefulsets, body).errors, []);
  });
});

describe('docker config Secrets', () => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const CASES: [string, Body, Causes][] = [
    ['dockerconfigjson that is not JSON', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{not json') } }, [['FieldValueInvalid', 'data[.dockerconfigjson]']]],
    ['dockerconfigjson that is a JSON array', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('[]') } }, [['FieldValueInvalid', 'data[.dockerconfigjson]']]],
    ['empty dockercfg', { type: 'kubernetes.io/dockercfg', data: { '.dockercfg': '' } }, [['FieldValueInvalid', 'data[.dockercfg]']]],
    ['dockercfg missing', { type: 'kubernetes.io/dockercfg', data: {} }, [['FieldValueRequired', 'data[.dockercfg]']]],
    ['valid dockerconfigjson', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":{"r.example.com":{"auth":"dTpw"}}}') } }, []],
    ['dockerconfigjson from stringData', { type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{"auths":{}}' } }, []],
    ['valid dockercfg', { type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('{"r.example.com":{"auth":"dTpw"}}') } }, []],
  ];
  for (const [what, body, want] of CASES) it(what, () => assert.deepEqual(create(secrets, body).errors, want));

  it('never shows the contents', () => {
    const obj = fresh(secrets, { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths": "hunter2"') } });
    secrets.strategy.prepareForCreate(obj);
    const [err] = secrets.strategy.validate(obj);
    assert.equal(err?.detail, 'Invalid value: "<secret contents redacted>": unexpected end of JSON input');
  });

  const GO_ERRORS: [string, string | undefined][] = [
    ['{"auths":{}}', undefined],
    ['null', undefined],
    ['', 'unexpected end of JSON input'],
    ['{"a":1', 'unexpected end of JSON input'],
    ['hello', "invalid character 'h' looking for beginning of value"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['{bad}', "invalid character 'b' looking for beginning of object key string"],
    ['[1]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['"s"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
  ];
  for (const [text, want] of GO_ERRORS) it(`decodes ${JSON.stringify(text)} as Go would`, () => assert.equal(dockerConfigJSONError(text), want));
});
