/**
 * CRD validation rules (x-kubernetes-validations, CEL): a rule that does not compile makes the
 * CRD a 422; custom resources that break a rule are a 422 Invalid whose causes carry the node's
 * path, the rule's reason and message; transition rules run on update, status rules on /status.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const CRDS = '/clusters/wds1/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const GADGETS = '/clusters/wds1/apis/example.com/v1/namespaces/default/gadgets';

const crd = (specRules: object[]): Record<string, unknown> => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    names: { plural: 'gadgets', kind: 'Gadget' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                'x-kubernetes-validations': specRules,
                properties: {
                  replicas: { type: 'integer' },
                  minReplicas: { type: 'integer' },
                  mode: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'mode is immutable' }] },
                },
              },
              status: {
                type: 'object',
                properties: { ready: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= 0', reason: 'FieldValueForbidden' }] } },
              },
            },
          },
        },
      },
    ],
  },
});

interface Cause {
  reason: string;
  field: string;
  message: string;
}

describe('CRD validation rules (CEL)', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  it('refuses a CRD whose rule does not compile, naming the rule', async () => {
    const r = await h.request('POST', CRDS, { body: crd([{ rule: 'self.replicas >=' }]) });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.reason, 'Invalid');
    const causes = r.body.details.causes as Cause[];
    assert.equal(causes.length, 1, JSON.stringify(causes));
    assert.equal(causes[0]!.field, 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule');
    assert.match(causes[0]!.message, /compilation failed: /);
  });

  it('refuses a CRD with an unknown reason', async () => {
    const r = await h.request('POST', CRDS, { body: crd([{ rule: 'true', reason: 'Nope' }]) });
    assert.equal(r.status, 422);
    assert.deepEqual(
      (r.body.details.causes as Cause[]).map((c) => [c.reason, c.field]),
      [['FieldValueNotSupported', 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].reason']],
    );
  });

  it('evaluates rules on create, update and status writes', async () => {
    const created = await h.request('POST', CRDS, {
      body: crd([
        { rule: 'self.replicas >= self.minReplicas', message: 'replicas must be >= minReplicas' },
        { rule: 'self.replicas < 100', reason: 'FieldValueForbidden', fieldPath: '.replicas', messageExpression: '"too many: " + string(self.replicas)' },
      ]),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (let i = 0; i < 200 && (await h.request('GET', GADGETS)).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));
    const gadget = (spec: object): object => ({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'gx' }, spec });

    const bad = await h.request('POST', GADGETS, { body: gadget({ replicas: 1, minReplicas: 2 }) });
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    assert.equal(bad.body.reason, 'Invalid');
    assert.equal(bad.body.message, 'Gadget.example.com "gx" is invalid: spec: Invalid value: "object": replicas must be >= minReplicas');
    assert.deepEqual(bad.body.details.causes, [{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": replicas must be >= minReplicas' }]);

    const many = await h.request('POST', GADGETS, { body: gadget({ replicas: 100, minReplicas: 2 }) });
    assert.equal(many.status, 422);
    assert.deepEqual(many.body.details.causes, [{ reason: 'FieldValueForbidden', field: 'spec.replicas', message: 'Forbidden: too many: 100' }]);

    const missing = await h.request('POST', GADGETS, { body: gadget({ replicas: 1 }) });
    assert.equal(missing.status, 422);
    assert.match((missing.body.details.causes as Cause[])[0]!.message, /^Invalid value: "object": no such key: minReplicas/);

    const ok = await h.request('POST', GADGETS, { body: gadget({ replicas: 3, minReplicas: 2, mode: 'a' }) });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));

    const changed = await h.request('PUT', `${GADGETS}/gx`, { body: { ...ok.body, spec: { replicas: 3, minReplicas: 2, mode: 'b' } } });
    assert.equal(changed.status, 422, JSON.stringify(changed.body));
    assert.deepEqual((changed.body.details.causes as Cause[]).map((c) => [c.field, c.message]), [['spec.mode', 'Invalid value: "string": mode is immutable']]);

    const status = await h.request('PUT', `${GADGETS}/gx/status`, { body: { ...ok.body, status: { ready: -1 } } });
    assert.equal(status.status, 422, JSON.stringify(status.body));
    assert.deepEqual((status.body.details.causes as Cause[]).map((c) => [c.reason, c.field]), [['FieldValueForbidden', 'status.ready']]);
    const statusOk = await h.request('PUT', `${GADGETS}/gx/status`, { body: { ...ok.body, status: { ready: 1 } } });
    assert.equal(statusOk.status, 200, JSON.stringify(statusOk.body));
  });
});
