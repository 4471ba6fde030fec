/**
 * ValidatingAdmissionPolicies are enforced on writes as soon as policy and binding exist: Deny
 * bindings refuse with the policy's reason, Warn bindings add a Warning header, selectors and
 * matchConditions narrow what is checked, failurePolicy decides about erroring expressions, and
 * removing the binding lifts the denial at once.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const S = '/clusters/wds1';
const VAP = `${S}/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies`;
const VAPB = `${S}/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings`;
const deploys = (ns: string): string => `${S}/apis/apps/v1/namespaces/${ns}/deployments`;

const deployment = (name: string, replicas: number, labels: Record<string, string> = {}): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
});

const policy = (name: string, spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name },
  spec: {
    matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['CREATE', 'UPDATE'] }] },
    ...spec,
  },
});

const binding = (name: string, policyName: string, actions: string[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name },
  spec: { policyName, validationActions: actions, ...extra },
});

describe('ValidatingAdmissionPolicy enforcement', function () {
  this.timeout(30_000);
  let h: InProcessServer;

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => {
    await h?.stop();
  });

  const ok = async (method: string, path: string, body?: unknown): Promise<any> => {
    const r = await h.request(method, path, body === undefined ? {} : { body });
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };

  it('denies creates and updates with the reason, lets allowed ones through, and lifts at once when unbound', async () => {
    await ok('POST', VAP, policy('max-replicas', { validations: [{ expression: 'object.spec.replicas <= 5', message: 'replicas must be at most 5', reason: 'Forbidden' }] }));
    await ok('POST', VAPB, binding('max-replicas-deny', 'max-replicas', ['Deny']));

    const big = await h.request('POST', deploys('default'), { body: deployment('big', 9) });
    assert.equal(big.status, 403);
    assert.equal(big.body.reason, 'Forbidden');
    assert.equal(
      big.body.message,
      `deployments.apps "big" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-deny' denied request: replicas must be at most 5`,
    );
    const dry = await h.request('POST', `${deploys('default')}?dryRun=All`, { body: deployment('big', 9) });
    assert.equal(dry.status, 403);

    const small = await ok('POST', deploys('default'), deployment('small', 2));
    const up = await h.request('PUT', `${deploys('default')}/small`, { body: { ...small.body, spec: { ...small.body.spec, replicas: 7 } } });
    assert.equal(up.status, 403);
    const patched = await h.request('PATCH', `${deploys('default')}/small`, {
      body: { spec: { replicas: 8 } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(patched.status, 403);

    await ok('DELETE', `${VAPB}/max-replicas-deny`);
    await ok('POST', deploys('default'), deployment('big', 9));
    await ok('DELETE', `${deploys('default')}/big`);
  });

  it('defaults to Invalid (422) with the default message, and uses messageExpression', async () => {
    await ok('POST', VAP, policy('p-invalid', { validations: [{ expression: 'object.spec.replicas <= 5' }] }));
    await ok('POST', VAPB, binding('b-invalid', 'p-invalid', ['Deny']));
    const r = await h.request('POST', deploys('default'), { body: deployment('x1', 9) });
    assert.equal(r.status, 422);
    assert.equal(r.body.reason, 'Invalid');
    assert.match(r.body.message, /denied request: failed expression: object.spec.replicas <= 5$/);
    await ok('DELETE', `${VAPB}/b-invalid`);

    await ok('POST', VAP, policy('p-msgexpr', { validations: [{ expression: 'object.spec.replicas <= 5', messageExpression: "'replicas is ' + string(object.spec.replicas)" }] }));
    await ok('POST', VAPB, binding('b-msgexpr', 'p-msgexpr', ['Deny']));
    const m = await h.request('POST', deploys('default'), { body: deployment('x2', 6) });
    assert.equal(m.status, 422);
    assert.match(m.body.message, /denied request: replicas is 6$/);
    await ok('DELETE', `${VAPB}/b-msgexpr`);
  });

  it('warns for a Warn binding', async () => {
    await ok('POST', VAP, policy('p-warn', { validations: [{ expression: 'object.spec.replicas <= 5', message: 'too many' }] }));
    await ok('POST', VAPB, binding('b-warn', 'p-warn', ['Warn']));
    const r = await ok('POST', deploys('default'), deployment('warned', 9));
    assert.match(String(r.headers['warning']), /Validation failed for ValidatingAdmissionPolicy 'p-warn' with binding 'b-warn': too many/);
    await ok('DELETE', `${VAPB}/b-warn`);
  });

  it('honours the namespaceSelector and matchConditions', async () => {
    await ok('POST', `${S}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: { env: 'prod' } } });
    await ok('POST', VAP, policy('p-ns', {
      matchConstraints: {
        resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['CREATE'] }],
        namespaceSelector: { matchLabels: { env: 'prod' } },
      },
      matchConditions: [{ name: 'not-exempt', expression: "!('exempt' in object.metadata.labels)" }],
      validations: [{ expression: 'object.spec.replicas <= 5' }],
    }));
    await ok('POST', VAPB, binding('b-ns', 'p-ns', ['Deny']));
    assert.equal((await h.request('POST', deploys('prod'), { body: deployment('n1', 9) })).status, 422);
    await ok('POST', deploys('default'), deployment('n1', 9));
    await ok('POST', deploys('prod'), deployment('n2', 9, { exempt: 'yes' }));
    await ok('DELETE', `${VAPB}/b-ns`);
  });

  it('follows failurePolicy on an erroring expression', async () => {
    await ok('POST', VAP, policy('p-fail', { validations: [{ expression: 'object.spec.nope > 1' }] }));
    await ok('POST', VAPB, binding('b-fail', 'p-fail', ['Deny']));
    const r = await h.request('POST', deploys('default'), { body: deployment('e1', 1) });
    assert.equal(r.status, 422);
    assert.match(r.body.message, /expression 'object.spec.nope > 1' resulted in error: no such key: nope/);
    await ok('PUT', `${VAP}/p-fail`, { ...(await ok('GET', `${VAP}/p-fail`)).body, spec: { ...(await ok('GET', `${VAP}/p-fail`)).body.spec, failurePolicy: 'Ignore' } });
    await ok('POST', deploys('default'), deployment('e1', 1));
    await ok('DELETE', `${VAPB}/b-fail`);
  });

  it('reads params by name and denies deletes when DELETE is listed', async () => {
    await ok('POST', `${S}/api/v1/namespaces/default/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits' }, data: { max: '3' } });
    await ok('POST', VAP, policy('p-params', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['CREATE', 'DELETE'] }] },
      validations: [{ expression: "request.operation == 'DELETE' ? !('keep' in oldObject.metadata.labels) : object.spec.replicas <= int(params.data.max)", message: 'no' }],
    }));
    await ok('POST', VAPB, binding('b-params', 'p-params', ['Deny'], { paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' } }));
    assert.equal((await h.request('POST', deploys('default'), { body: deployment('pp', 4) })).status, 422);
    await ok('POST', deploys('default'), deployment('kept', 3, { keep: 'y' }));
    assert.equal((await h.request('DELETE', `${deploys('default')}/kept`)).status, 422);
    await ok('DELETE', `${VAPB}/b-params`);
    await ok('DELETE', `${deploys('default')}/kept`);
  });
});
