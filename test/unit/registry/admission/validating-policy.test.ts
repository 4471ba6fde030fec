import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { bindingApplies, codeOfReason, evaluatePolicy, matchResources, ruleMatches, type AdmissionRequest } from '../../../../src/registry/admission/validating-policy.js';

const deploy = (replicas: number, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'ns', labels },
  spec: { replicas },
});

const req = (over: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  operation: 'CREATE',
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  subresource: '',
  kind: 'Deployment',
  namespaced: true,
  namespace: 'ns',
  name: 'd',
  object: deploy(9),
  oldObject: undefined,
  user: { name: 'alice', groups: ['devs'] },
  dryRun: false,
  ...over,
});

const rule = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiGroups: ['apps'],
  apiVersions: ['v1'],
  resources: ['deployments'],
  operations: ['CREATE', 'UPDATE'],
  ...over,
});

describe('ValidatingAdmissionPolicy matching', () => {
  const cases: [string, Record<string, unknown>, Partial<AdmissionRequest>, boolean][] = [
    ['exact', rule(), {}, true],
    ['wrong operation', rule(), { operation: 'DELETE' }, false],
    ['operation *', rule({ operations: ['*'] }), { operation: 'DELETE' }, true],
    ['wrong group', rule({ apiGroups: [''] }), {}, false],
    ['group *', rule({ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }), {}, true],
    ['* skips subresources', rule({ resources: ['*'] }), { subresource: 'status' }, false],
    ['resource/sub', rule({ resources: ['deployments/status'] }), { subresource: 'status' }, true],
    ['resource/*', rule({ resources: ['deployments/*'] }), { subresource: 'scale' }, true],
    ['*/sub', rule({ resources: ['*/status'] }), { subresource: 'status' }, true],
    ['*/* matches main', rule({ resources: ['*/*'] }), {}, true],
    ['plain name not subresource', rule(), { subresource: 'status' }, false],
    ['scope Cluster', rule({ scope: 'Cluster' }), {}, false],
    ['scope Namespaced', rule({ scope: 'Namespaced' }), {}, true],
    ['resourceNames', rule({ resourceNames: ['other'] }), {}, false],
  ];
  for (const [name, r, over, want] of cases) {
    it(`rule: ${name}`, () => assert.equal(ruleMatches(r, req(over)), want));
  }

  it('excludeResourceRules, namespaceSelector and objectSelector', () => {
    const base = { resourceRules: [rule()] };
    assert.equal(matchResources(base, req(), undefined), true);
    assert.equal(matchResources({ ...base, excludeResourceRules: [rule()] }, req(), undefined), false);
    const nsSel = { ...base, namespaceSelector: { matchLabels: { env: 'prod' } } };
    assert.equal(matchResources(nsSel, req(), { env: 'prod' }), true);
    assert.equal(matchResources(nsSel, req(), { env: 'dev' }), false);
    const objSel = { ...base, objectSelector: { matchLabels: { app: 'x' } } };
    assert.equal(matchResources(objSel, req(), undefined), false);
    assert.equal(matchResources(objSel, req({ object: deploy(1, { app: 'x' }) }), undefined), true);
    assert.equal(matchResources(undefined, req(), undefined), false);
  });

  it('binding: policyName and matchResources both apply', () => {
    const policy = { metadata: { name: 'p' }, spec: { matchConstraints: { resourceRules: [rule()] } } } as unknown as KubeObject;
    const binding = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'b' }, spec }) as unknown as KubeObject;
    assert.equal(bindingApplies(policy, binding({ policyName: 'p' }), req(), undefined), true);
    assert.equal(bindingApplies(policy, binding({ policyName: 'q' }), req(), undefined), false);
    const restricted = binding({ policyName: 'p', matchResources: { resourceRules: [rule()], namespaceSelector: { matchLabels: { a: 'b' } } } });
    assert.equal(bindingApplies(policy, restricted, req(), {}), false);
    assert.equal(bindingApplies(policy, restricted, req(), { a: 'b' }), true);
  });
});

describe('ValidatingAdmissionPolicy evaluation', () => {
  const policy = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'p' }, spec }) as unknown as KubeObject;
  const run = (spec: Record<string, unknown>, over: Partial<AdmissionRequest> = {}, params: KubeObject | null = null) =>
    evaluatePolicy({ policy: policy(spec), request: req(over), params, namespaceObject: null });
  const v = (expression: string, extra: Record<string, unknown> = {}) => ({ validations: [{ expression, ...extra }] });

  const cases: [string, Record<string, unknown>, Partial<AdmissionRequest>, unknown][] = [
    ['passes', v('object.spec.replicas <= 10'), {}, { action: 'admit' }],
    ['default message', v('object.spec.replicas <= 5'), {}, { action: 'deny', message: 'failed expression: object.spec.replicas <= 5', reason: 'Invalid' }],
    ['message and reason', v('object.spec.replicas <= 5', { message: 'too many', reason: 'Forbidden' }), {}, { action: 'deny', message: 'too many', reason: 'Forbidden' }],
    [
      'messageExpression',
      v('object.spec.replicas <= 5', { message: 'static', messageExpression: "'replicas ' + string(object.spec.replicas) + ' > 5'" }),
      {},
      { action: 'deny', message: 'replicas 9 > 5', reason: 'Invalid' },
    ],
    ['messageExpression error falls back', v('false', { message: 'static', messageExpression: 'object.nope' }), {}, { action: 'deny', message: 'static', reason: 'Invalid' }],
    ['request fields', v("request.userInfo.username == 'alice' && request.operation == 'CREATE' && 'devs' in request.userInfo.groups && !request.dryRun"), {}, { action: 'admit' }],
    ['oldObject null on create', v('oldObject == null'), {}, { action: 'admit' }],
    ['object null on delete', v('object == null && oldObject.spec.replicas == 3'), { operation: 'DELETE', object: undefined, oldObject: deploy(3) }, { action: 'admit' }],
    ['matchCondition false skips', { matchConditions: [{ name: 'c', expression: "request.userInfo.username != 'alice'" }], ...v('false') }, {}, { action: 'admit' }],
    ['matchCondition true applies', { matchConditions: [{ name: 'c', expression: 'true' }], ...v('false', { message: 'm' }) }, {}, { action: 'deny', message: 'm', reason: 'Invalid' }],
    ['variables', { variables: [{ name: 'r', expression: 'object.spec.replicas' }, { name: 'big', expression: 'variables.r > 5' }], ...v('!variables.big', { message: 'big' }) }, {}, { action: 'deny', message: 'big', reason: 'Invalid' }],
    ['unused erroring variable is not evaluated', { variables: [{ name: 'bad', expression: 'object.nope' }], ...v('true') }, {}, { action: 'admit' }],
    ['regex is RE2', v("object.metadata.name.matches('^d$')"), {}, { action: 'admit' }],
  ];
  for (const [name, spec, over, want] of cases) {
    it(name, () => assert.deepEqual(run(spec, over), want));
  }

  it('errors follow failurePolicy', () => {
    const failing = run(v('object.spec.nope > 1'));
    assert.equal(failing.action, 'error');
    assert.match((failing as { message: string }).message, /^expression 'object.spec.nope > 1' resulted in error: no such key: nope/);
    assert.deepEqual(run({ failurePolicy: 'Ignore', ...v('object.spec.nope > 1') }), { action: 'admit' });
    assert.equal(run(v('object.spec.replicas +')).action, 'error');
    assert.equal(run({ matchConditions: [{ name: 'c', expression: 'object.nope' }], ...v('true') }).action, 'error');
    assert.equal(run({ variables: [{ name: 'bad', expression: 'object.nope' }], ...v('variables.bad') }).action, 'error');
  });

  it('params', () => {
    const params = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits' }, data: { max: '5' } } as KubeObject;
    assert.deepEqual(run(v('object.spec.replicas <= int(params.data.max)'), {}, params).action, 'deny');
    assert.deepEqual(run(v('params == null')), { action: 'admit' });
  });

  it('reason codes', () => {
    assert.deepEqual(['Invalid', 'Forbidden', 'Unauthorized', 'RequestEntityTooLarge'].map(codeOfReason), [422, 403, 401, 413]);
  });
});
