/**
 * User-written regular expressions (a CRD's `pattern`, a CEL rule's `matches`) cannot stall the
 * server: they run on RE2, linear in the input, as Go's regexp does upstream. Before, one custom
 * resource with `aaa…ab` against `^(a+)+$` held the event loop for minutes.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const CRDS = '/clusters/wds1/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const WIDGETS = '/clusters/wds1/apis/regex.example.com/v1/namespaces/default/widgets';
const EVIL = '^(a+)+$';

describe('regular expressions in CRDs run in linear time', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    const created = await h.request('POST', CRDS, {
      body: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.regex.example.com' },
        spec: {
          group: 'regex.example.com',
          names: { plural: 'widgets', kind: 'Widget' },
          scope: 'Namespaced',
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      properties: {
                        byPattern: { type: 'string', pattern: EVIL },
                        byRule: { type: 'string', 'x-kubernetes-validations': [{ rule: `self.matches('${EVIL}')`, message: 'only a' }] },
                      },
                    },
                  },
                },
              },
            },
          ],
        },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (let i = 0; i < 50; i++) {
      if ((await h.request('GET', WIDGETS)).status === 200) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('widgets never served');
  });
  after(async () => h?.stop());

  const widget = (name: string, spec: Record<string, string>) => h.request('POST', WIDGETS, { body: { apiVersion: 'regex.example.com/v1', kind: 'Widget', metadata: { name }, spec } });
  const evilInput = `${'a'.repeat(20_000)}b`;

  it('answers a pattern mismatch on a pathological input with 422, and keeps serving', async () => {
    const r = await widget('p1', { byPattern: evilInput });
    assert.equal(r.status, 422, JSON.stringify(r.body).slice(0, 300));
    assert.equal(r.body.reason, 'Invalid');
    assert.equal(r.body.details.causes[0].field, 'spec.byPattern');
    assert.equal((await h.request('GET', '/clusters/wds1/api/v1/namespaces')).status, 200);
    assert.equal((await widget('p2', { byPattern: 'aaaa' })).status, 201);
  });

  it('answers a CEL matches() failure on a pathological input with 422, and keeps serving', async () => {
    const r = await widget('r1', { byRule: evilInput });
    assert.equal(r.status, 422, JSON.stringify(r.body).slice(0, 300));
    assert.equal(r.body.details.causes[0].field, 'spec.byRule');
    assert.equal((await widget('r2', { byRule: 'aaa' })).status, 201);
  });
});
