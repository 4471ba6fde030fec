/**
 * Writes through `/scale` are owned in managedFields like any other write (patch-and-apply §3.8):
 * on the parent, in its paths, with `subresource: scale`. A later apply by another manager then
 * conflicts with the scaler instead of silently taking replicas back.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const DEPLOYS = '/clusters/wds1/apis/apps/v1/namespaces/default/deployments';

const deployment = (replicas: number) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });

describe('scale subresource ownership', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  const apply = (replicas: number, force = false) =>
    h.request('PATCH', `${DEPLOYS}/web?fieldManager=helm${force ? '&force=true' : ''}`, {
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: deployment(replicas),
    });

  it('records the scaler as owner of spec.replicas, taking it from the applier', async () => {
    assert.equal((await apply(1)).status, 201);
    const scaled = await h.request('PATCH', `${DEPLOYS}/web/scale?fieldManager=scaler`, {
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: { spec: { replicas: 4 } },
    });
    assert.equal(scaled.status, 200, JSON.stringify(scaled.body));
    assert.equal(scaled.body.kind, 'Scale');
    const got = await h.request('GET', `${DEPLOYS}/web`);
    assert.equal(got.body.spec.replicas, 4);
    const entries: any[] = got.body.metadata.managedFields;
    const scaler = entries.find((e) => e.manager === 'scaler');
    assert.deepEqual(
      { operation: scaler?.operation, apiVersion: scaler?.apiVersion, subresource: scaler?.subresource, fields: scaler?.fieldsV1 },
      { operation: 'Update', apiVersion: 'apps/v1', subresource: 'scale', fields: { 'f:spec': { 'f:replicas': {} } } },
    );
    const helm = entries.find((e) => e.manager === 'helm');
    assert.equal(helm?.fieldsV1?.['f:spec']?.['f:replicas'], undefined, 'the applier no longer owns replicas');
  });

  it('makes a later apply of another replica count conflict with the scaler, unless forced', async () => {
    const conflict = await apply(2);
    assert.equal(conflict.status, 409, JSON.stringify(conflict.body));
    assert.equal(conflict.body.reason, 'Conflict');
    assert.deepEqual(conflict.body.details.causes.map((c: any) => [c.reason, c.field]), [['FieldManagerConflict', '.spec.replicas']]);
    assert.match(conflict.body.details.causes[0].message, /"scaler" with subresource "scale"/);
    const forced = await apply(2, true);
    assert.equal(forced.status, 200, JSON.stringify(forced.body));
    assert.equal(forced.body.spec.replicas, 2);
  });

  it('records a PUT of the Scale under the client\'s default manager name', async () => {
    const scale = await h.request('GET', `${DEPLOYS}/web/scale`);
    const put = await h.request('PUT', `${DEPLOYS}/web/scale`, {
      headers: { 'User-Agent': 'kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0' },
      body: { ...scale.body, spec: { replicas: 3 } },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const got = await h.request('GET', `${DEPLOYS}/web`);
    const kubectl = (got.body.metadata.managedFields as any[]).find((e) => e.manager === 'kubectl');
    assert.equal(kubectl?.subresource, 'scale');
    assert.deepEqual(kubectl?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  });
});
