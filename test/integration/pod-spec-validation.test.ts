/**
 * Pod spec validation over HTTP: a bare Pod and each kind with a pod template answer 422 Invalid
 * naming upstream's field and cause type, for writes by POST and by the strategic merge patch
 * `kubectl set resources` sends; docker config Secrets must hold JSON.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const S = '/clusters/wds1';
const NS = `${S}/api/v1/namespaces/default`;
const APPS = `${S}/apis/apps/v1/namespaces/default`;
const BATCH = `${S}/apis/batch/v1/namespaces/default`;

type Body = Record<string, unknown>;
const labels = { app: 'web' };
const container = (extra: Body = {}): Body => ({ name: 'web', image: 'nginx', ...extra });
const spec = (extra: Body = {}, more: Body = {}): Body => ({ containers: [container(extra)], ...more });

/** [kind, collection URL, object around a pod spec, where upstream reports the pod spec]. */
const OWNERS: [string, string, (name: string, podSpec: Body) => Body, string][] = [
  ['Pod', `${NS}/pods`, (name, s) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: s }), 'spec'],
  ['PodTemplate', `${NS}/podtemplates`, (name, s) => ({ apiVersion: 'v1', kind: 'PodTemplate', metadata: { name }, template: { metadata: { labels }, spec: s } }), 'template.spec'],
  ['ReplicationController', `${NS}/replicationcontrollers`, (name, s) => ({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name }, spec: { selector: labels, template: { metadata: { labels }, spec: s } } }), 'spec.template.spec'],
  ['Deployment', `${APPS}/deployments`, (name, s) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: s } } }), 'spec.template.spec'],
  ['ReplicaSet', `${APPS}/replicasets`, (name, s) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: s } } }), 'spec.template.spec'],
  ['DaemonSet', `${APPS}/daemonsets`, (name, s) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: s } } }), 'spec.template.spec'],
  ['Job', `${BATCH}/jobs`, (name, s) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { template: { spec: { restartPolicy: 'Never', ...s } } } }), 'spec.template.spec'],
  [
    'CronJob',
    `${BATCH}/cronjobs`,
    (name, s) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', ...s } } } } } }),
    'spec.jobTemplate.spec.template.spec',
  ],
];

/** [case, pod spec, causes as [reason, field below the pod spec]]. */
const CASES: [string, Body, [string, string][]][] = [
  ['negative cpu request', spec({ resources: { requests: { cpu: '-1' } } }), [['FieldValueInvalid', 'containers[0].resources.requests[cpu]']]],
  ['memory request above its limit', spec({ resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } }), [['FieldValueInvalid', 'containers[0].resources.requests']]],
  ['readiness probe without a handler', spec({ readinessProbe: { periodSeconds: 5 } }), [['FieldValueRequired', 'containers[0].readinessProbe']]],
  ['toleration Exists with a value', spec({}, { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }), [['FieldValueInvalid', 'tolerations[0].operator']]],
  ['negative runAsUser', spec({ securityContext: { runAsUser: -1 } }), [['FieldValueInvalid', 'containers[0].securityContext.runAsUser']]],
];

describe('pod spec validation over HTTP', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  let n = 0;
  for (const [kind, url, wrap, path] of OWNERS) {
    for (const [what, podSpec, causes] of CASES) {
      it(`${kind}: ${what} is 422 Invalid`, async () => {
        const r = await h.request('POST', url, { body: wrap(`bad-${++n}`, podSpec) });
        assert.equal(r.status, 422, JSON.stringify(r.body));
        assert.equal(r.body.reason, 'Invalid');
        assert.equal(r.body.details.kind, kind);
        assert.deepEqual(
          r.body.details.causes.map((c: { reason: string; field: string }) => [c.reason, c.field]),
          causes.map(([reason, field]) => [reason, `${path}.${field}`]),
        );
      });
    }
  }

  it('the message names the limit, as kube-apiserver words it', async () => {
    const r = await h.request('POST', `${NS}/pods`, { body: OWNERS[0]![2]('mem', spec({ resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } })) });
    assert.equal(r.body.message, 'Pod "mem" is invalid: spec.containers[0].resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi');
  });

  it('kubectl set resources --limits=cpu=100m --requests=cpu=200m is refused, and the Deployment is unchanged', async () => {
    const url = `${APPS}/deployments`;
    assert.equal((await h.request('POST', url, { body: OWNERS[3]![2]('setres', spec()) })).status, 201);
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', resources: { limits: { cpu: '100m' }, requests: { cpu: '200m' } } }] } } } };
    const r = await h.request('PATCH', `${url}/setres`, { body: patch, headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.reason, 'Invalid');
    assert.deepEqual(r.body.details.causes.map((c: { field: string }) => c.field), ['spec.template.spec.containers[0].resources.requests']);
    assert.match(r.body.message, /must be less than or equal to cpu limit of 100m/);
    const got = await h.request('GET', `${url}/setres`);
    assert.deepEqual(got.body.spec.template.spec.containers[0].resources, {});
  });

  it('accepts a spec using every checked field properly', async () => {
    const good = spec(
      {
        resources: { requests: { cpu: '250m', memory: '64Mi', 'example.com/gpu': 1 }, limits: { cpu: '1', memory: '128Mi', 'example.com/gpu': 1 } },
        readinessProbe: { httpGet: { port: 80 } },
        livenessProbe: { tcpSocket: { port: 'http' }, successThreshold: 1 },
        ports: [{ name: 'http', containerPort: 80 }],
        securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      },
      { nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ operator: 'Exists' }, { key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute', tolerationSeconds: 60 }], securityContext: { runAsUser: 1000, fsGroup: 2000 } },
    );
    for (const [kind, url, wrap] of OWNERS) {
      const r = await h.request('POST', url, { body: wrap(`good-${kind.toLowerCase()}`, structuredClone(good)) });
      assert.equal(r.status, 201, `${kind}: ${JSON.stringify(r.body)}`);
    }
    const pod = await h.request('GET', `${NS}/pods/good-pod`);
    assert.equal(pod.body.spec.containers[0].readinessProbe.httpGet.path, '/', 'SetDefaults_HTTPGetAction');
  });

  it('a dockerconfigjson Secret must hold a JSON object, and the error never shows it', async () => {
    const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pull' }, type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{"auths": hunter2}' } };
    const r = await h.request('POST', `${NS}/secrets`, { body });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.reason, 'Invalid');
    assert.deepEqual(r.body.details.causes.map((c: { reason: string; field: string }) => [c.reason, c.field]), [['FieldValueInvalid', 'data[.dockerconfigjson]']]);
    assert.match(r.body.message, /Invalid value: "<secret contents redacted>"/);
    assert.doesNotMatch(r.body.message, /hunter2/);
    const ok = { ...body, metadata: { name: 'pull-ok' }, stringData: { '.dockerconfigjson': '{"auths":{}}' } };
    assert.equal((await h.request('POST', `${NS}/secrets`, { body: ok })).status, 201);
  });
});
