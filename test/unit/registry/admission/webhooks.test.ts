import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import type { AdmissionRequest } from '../../../../src/registry/admission/validating-policy.js';
import {
  admissionReview,
  evaluateMatchConditions,
  exemptFromWebhooks,
  orderedWebhooks,
  readAnswer,
  webhookDenial,
  webhookMatches,
  webhookUrl,
  webhooksOf,
} from '../../../../src/registry/admission/webhooks.js';

const config = (name: string, webhooks: Record<string, unknown>[]): KubeObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingWebhookConfiguration',
  metadata: { name },
  webhooks,
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
  object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns', labels: { tier: 'web' } } },
  oldObject: undefined,
  user: { name: 'alice', groups: ['system:authenticated'] },
  dryRun: false,
  ...over,
});

const rule = { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['CREATE'] };
const [plain] = webhooksOf(config('c', [{ name: 'h', clientConfig: { url: 'https://x/h' }, rules: [rule], sideEffects: 'None', admissionReviewVersions: ['v1'] }]), 'validating');

describe('admission webhooks: decisions', () => {
  it('fills in upstream defaults', () => {
    assert.equal(plain!.failurePolicy, 'Fail');
    assert.equal(plain!.timeoutSeconds, 10);
    assert.equal(plain!.url, 'https://x/h');
  });

  it('orders configurations by name, hooks as listed', () => {
    const hooks = orderedWebhooks(
      [config('b', [{ name: 'b1' }, { name: 'b2' }]), config('a', [{ name: 'a1' }])],
      'mutating',
    );
    assert.deepEqual(hooks.map((h) => h.name), ['a1', 'b1', 'b2']);
  });

  const matchCases: [string, Record<string, unknown>, Partial<AdmissionRequest>, Record<string, string> | undefined, boolean][] = [
    ['matching rule', {}, {}, {}, true],
    ['other operation', {}, { operation: 'UPDATE', oldObject: req().object }, {}, false],
    ['subresource not listed', {}, { subresource: 'scale' }, {}, false],
    ['objectSelector miss', { objectSelector: { matchLabels: { tier: 'db' } } }, {}, {}, false],
    ['objectSelector hit', { objectSelector: { matchLabels: { tier: 'web' } } }, {}, {}, true],
    ['namespaceSelector miss', { namespaceSelector: { matchLabels: { env: 'prod' } } }, {}, { env: 'dev' }, false],
    ['namespaceSelector hit', { namespaceSelector: { matchLabels: { env: 'prod' } } }, {}, { env: 'prod' }, true],
  ];
  for (const [name, extra, over, nsLabels, want] of matchCases) {
    it(`matches: ${name}`, () => {
      const [hook] = webhooksOf(config('c', [{ name: 'h', rules: [rule], ...extra }]), 'validating');
      assert.equal(webhookMatches(hook!, req(over), nsLabels), want);
    });
  }

  it('matchConditions: false skips, an error fails closed', () => {
    const cond = (expression: string) => webhooksOf(config('c', [{ name: 'h', rules: [rule], matchConditions: [{ name: 'm', expression }] }]), 'validating')[0]!;
    assert.deepEqual(evaluateMatchConditions(cond("object.metadata.name == 'd'"), req()), { matches: true });
    assert.deepEqual(evaluateMatchConditions(cond("object.metadata.name == 'x'"), req()), { matches: false });
    assert.ok('error' in evaluateMatchConditions(cond('object.metadata.nope.deeper'), req()));
  });

  it('builds the review as upstream: request and options, DELETE with the old object', () => {
    const del = admissionReview('v1', 'u1', req({ operation: 'DELETE', object: undefined, oldObject: req().object }), { propagationPolicy: 'Background' });
    const r = del['request'] as Record<string, any>;
    assert.equal(del['apiVersion'], 'admission.k8s.io/v1');
    assert.equal(r['uid'], 'u1');
    assert.equal(r['object'], null);
    assert.equal(r['oldObject'].metadata.name, 'd');
    assert.deepEqual(r['options'], { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', propagationPolicy: 'Background' });
  });

  const ok = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' };
  const answerCases: [string, unknown, boolean, string | RegExp | ((a: any) => void)][] = [
    ['allowed', { ...ok, response: { uid: 'u', allowed: true } }, false, (a) => assert.equal(a.allowed, true)],
    ['no response', ok, false, 'webhook response was absent'],
    ['wrong uid', { ...ok, response: { uid: 'v', allowed: true } }, false, 'expected response.uid="u", got "v"'],
    ['wrong kind', { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { uid: 'u' } }, false, /^expected webhook response of admission.k8s.io\/v1/],
    ['patch from a validating hook', { ...ok, response: { uid: 'u', allowed: true, patch: 'W10=', patchType: 'JSONPatch' } }, false, 'validating webhook may not return response.patch'],
    ['patch without type', { ...ok, response: { uid: 'u', allowed: true, patch: 'W10=' } }, true, 'webhook returned response.patch but not response.patchType'],
    ['undecodable patch', { ...ok, response: { uid: 'u', allowed: true, patch: Buffer.from('{').toString('base64'), patchType: 'JSONPatch' } }, true, /^received undecodable patch/],
    [
      'patch and warnings',
      { ...ok, response: { uid: 'u', allowed: true, patch: Buffer.from('[{"op":"add","path":"/a","value":1}]').toString('base64'), patchType: 'JSONPatch', warnings: ['w'] } },
      true,
      (a) => {
        assert.deepEqual(a.patch, [{ op: 'add', path: '/a', value: 1 }]);
        assert.deepEqual(a.warnings, ['w']);
      },
    ],
  ];
  for (const [name, body, mutating, want] of answerCases) {
    it(`reads answers: ${name}`, () => {
      const a = readAnswer(body, 'v1', 'u', mutating);
      if (typeof want === 'function') want(a);
      else if (want instanceof RegExp) assert.match(a as string, want);
      else assert.equal(a, want);
    });
  }

  it('denials keep the hook code (at least 400) and reason, and prefix the message', () => {
    const d = webhookDenial(plain!, { code: 403, reason: 'Forbidden', message: 'no' });
    assert.equal(d.status.code, 403);
    assert.equal(d.status.reason, 'Forbidden');
    assert.equal(d.message, 'admission webhook "h" denied the request: no');
    const low = webhookDenial(plain!, { code: 200 });
    assert.equal(low.status.code, 400);
    assert.equal(low.message, 'admission webhook "h" denied the request without explanation');
    assert.equal(webhookDenial(plain!, { reason: 'Custom' }).message, 'admission webhook "h" denied the request: Custom');
  });

  it('adds the timeout to the URL as given', () => {
    assert.equal(webhookUrl('https://svc.ns.svc:443/p', 10), 'https://svc.ns.svc:443/p?timeout=10s');
    assert.equal(webhookUrl('https://h/p?x=1', 2.5), 'https://h/p?x=1&timeout=3s');
  });

  it('exempts the admission configuration kinds', () => {
    assert.equal(exemptFromWebhooks('admissionregistration.k8s.io', 'validatingwebhookconfigurations'), true);
    assert.equal(exemptFromWebhooks('admissionregistration.k8s.io', 'validatingadmissionpolicybindings'), true);
    assert.equal(exemptFromWebhooks('apps', 'deployments'), false);
  });
});
