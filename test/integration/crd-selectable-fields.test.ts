/**
 * Field selectors on custom resources (kube 1.31+): a CRD version's `selectableFields` can be
 * selected on in lists and watches, and any other field is refused with the custom-resource
 * wording's 400 BadRequest. Deleting the CRD ends the watches of its resources.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const CRDS = '/clusters/wds1/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const GADGETS = '/clusters/wds1/apis/example.com/v1/namespaces/default/gadgets';

describe('custom resource field selectors', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    const crd = {
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
            selectableFields: [{ jsonPath: '.spec.color' }, { jsonPath: '.spec.size' }],
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { color: { type: 'string' }, size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    };
    const created = await h.request('POST', CRDS, { body: crd });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (let i = 0; i < 200 && (await h.request('GET', GADGETS)).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));
    for (const [name, color, size] of [['a', 'red', 1], ['b', 'blue', 2], ['c', 'red', 3]] as const) {
      const r = await h.request('POST', GADGETS, { body: { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name }, spec: { color, size } } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(async () => h?.stop());

  const names = async (selector: string): Promise<string[]> => {
    const r = await h.request('GET', `${GADGETS}?fieldSelector=${encodeURIComponent(selector)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return (r.body.items as { metadata: { name: string } }[]).map((o) => o.metadata.name);
  };

  it('selects on the fields the CRD declares, strings and integers alike', async () => {
    assert.deepEqual(await names('spec.color=red'), ['a', 'c']);
    assert.deepEqual(await names('spec.color!=red'), ['b']);
    assert.deepEqual(await names('spec.size=2'), ['b']);
    assert.deepEqual(await names('spec.color=red,metadata.name=c'), ['c']);
  });

  it('refuses a field the CRD does not declare with 400 BadRequest', async () => {
    const r = await h.request('GET', `${GADGETS}?fieldSelector=spec.shape%3Dround`);
    assert.equal(r.status, 400);
    assert.equal(r.body.reason, 'BadRequest');
  });

  // Last: it deletes the CRD.
  it('ends the watches of its resources when the CRD is deleted, after their DELETED events', async () => {
    const w = await h.openWatch(`${GADGETS}?watch=true`);
    assert.equal(w.status, 200);
    await w.waitFor((frames) => frames.length >= 3);
    const added = w.frames.filter((f) => f.type === 'ADDED').length;
    const del = await h.request('DELETE', `${CRDS}/gadgets.example.com`);
    assert.ok([200, 202].includes(del.status), JSON.stringify(del.body));
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([w.ended.then(() => 'ended'), new Promise((r) => (timer = setTimeout(() => r('still open'), 10_000)))]);
    clearTimeout(timer);
    w.close();
    assert.equal(ended, 'ended');
    assert.equal(w.frames.filter((f) => f.type === 'DELETED').length, added, 'every object is seen going before the watch ends');
    for (let i = 0; i < 200 && (await h.request('GET', GADGETS)).status !== 404; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await h.request('GET', GADGETS)).status, 404);
  });
});
