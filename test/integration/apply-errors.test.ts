/**
 * Bad server-side apply requests get the upstream Status codes and reasons, and a broken
 * managedFields list sent with an ordinary update is ignored in favour of the stored one.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const CMS = '/clusters/wds1/api/v1/namespaces/default/configmaps';
const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };

describe('server-side apply: bad requests', function () {
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => {
    await h?.stop();
  });

  const apply = (name: string, body: string, query = 'fieldManager=test') =>
    h.request('PATCH', `${CMS}/${name}?${query}`, { body: Buffer.from(body), headers: APPLY });

  const cases: [string, string, string, string, number, string][] = [
    ['a body that is not an object', 'a1', '- 1\n- 2\n', 'fieldManager=test', 400, 'BadRequest'],
    ['a body that does not parse', 'a2', '{"apiVersion": ', 'fieldManager=test', 400, 'BadRequest'],
    ['a kind that does not match the URL', 'a3', 'apiVersion: v1\nkind: Secret\nmetadata: {name: a3}\n', 'fieldManager=test', 400, 'BadRequest'],
    ['no fieldManager', 'a4', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a4}\n', '', 422, 'Invalid'],
    ['managedFields in the body', 'a5', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a5\n  managedFields: [{manager: x}]\n', 'fieldManager=test', 400, 'BadRequest'],
    ['a field the schema does not declare', 'a6', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a6}\nspec: {x: 1}\n', 'fieldManager=test', 400, 'BadRequest'],
  ];
  for (const [what, name, body, query, code, reason] of cases) {
    it(`refuses ${what} with ${code} ${reason}`, async () => {
      const r = await apply(name, body, query);
      assert.equal(r.status, code, JSON.stringify(r.body));
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.reason, reason);
      const after = await h.request('GET', `${CMS}/${name}`);
      assert.equal(after.status, 404, 'nothing was created');
    });
  }

  it('ignores an undecodable managedFields list in an ordinary update and keeps the stored one', async () => {
    const created = await apply('kept', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept}\ndata: {a: "1"}\n');
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const before = created.body.metadata.managedFields as { manager: string }[];
    assert.deepEqual(before.map((e) => e.manager), ['test']);
    const r = await h.request('PATCH', `${CMS}/kept?fieldManager=editor`, {
      body: { metadata: { managedFields: [{ manager: 'x', operation: 'Bogus', fieldsType: 'FieldsV1', fieldsV1: 'not a field set' }] }, data: { b: '2' } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const managers = (r.body.metadata.managedFields as { manager: string }[]).map((e) => e.manager).sort();
    assert.deepEqual(managers, ['editor', 'test']);
  });
});
