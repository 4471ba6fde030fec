/**
 * Server-side apply type-checks the applied configuration before merging, as upstream converts it
 * to the kind's type: a wrongly typed value in a built-in kind is a 400 BadRequest and nothing is
 * stored, exactly as create and merge patch refuse the same body; well-typed applies (int-or-string,
 * quantities, nulls that remove fields) still go through. Custom resources are refused like create
 * refuses them.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const NS = '/clusters/wds1/api/v1/namespaces/default';
const APPS = '/clusters/wds1/apis/apps/v1/namespaces/default';
const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

const deployment = (name: string, spec: string): string =>
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: c
        image: nginx
${spec}`;

describe('server-side apply: wrongly typed values', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => {
    await h?.stop();
  });

  const apply = (collection: string, name: string, body: string, query = 'fieldManager=test') =>
    h.request('PATCH', `${collection}/${name}?${query}`, { body: Buffer.from(body), headers: APPLY });

  const cases: [string, string, string, string][] = [
    ['a number in ConfigMap data', `${NS}/configmaps`, 'tm', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tm}\ndata: {k: 5}\n'],
    ['a string for ConfigMap immutable', `${NS}/configmaps`, 'ti', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ti}\nimmutable: "yes"\n'],
    ['a list for ConfigMap data', `${NS}/configmaps`, 'tl', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tl}\ndata: [a]\n'],
    ['Secret data that is not base64', `${NS}/secrets`, 'ts', 'apiVersion: v1\nkind: Secret\nmetadata: {name: ts}\ndata: {k: "not-base64!!"}\n'],
    ['a string for Deployment replicas', `${APPS}/deployments`, 'tr', deployment('tr', '  replicas: "9"\n')],
    ['a string for Deployment paused', `${APPS}/deployments`, 'tp', deployment('tp', '  paused: "no"\n')],
    ['a fraction for Deployment replicas', `${APPS}/deployments`, 'tf', deployment('tf', '  replicas: 1.5\n')],
    [
      'a malformed quantity',
      `${NS}/pods`,
      'tq',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: tq}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources: {limits: {cpu: lots}}\n',
    ],
    [
      'a boolean env name',
      `${NS}/pods`,
      'tenv',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: tenv}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    env: [{name: true}]\n',
    ],
  ];
  for (const [what, collection, name, body] of cases) {
    it(`refuses ${what} with 400 BadRequest and stores nothing`, async () => {
      const r = await apply(collection, name, body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.reason, 'BadRequest');
      assert.equal(r.body.code, 400);
      const after = await h.request('GET', `${collection}/${name}`);
      assert.equal(after.status, 404, 'nothing was created');
    });
  }

  it('refuses a wrongly typed apply to an existing object and leaves it as it was', async () => {
    const created = await apply(`${APPS}/deployments`, 'live', deployment('live', '  replicas: 2\n'));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const r = await apply(`${APPS}/deployments`, 'live', deployment('live', '  replicas: "9"\n'));
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.reason, 'BadRequest');
    const got = await h.request('GET', `${APPS}/deployments/live`);
    assert.equal(got.body.spec.replicas, 2);
    assert.equal(got.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
    // A merge patch with the same value is refused the same way.
    const merged = await h.request('PATCH', `${APPS}/deployments/live`, { body: { spec: { replicas: '9' } }, headers: MERGE });
    assert.equal(merged.status, 400, JSON.stringify(merged.body));
    assert.equal(merged.body.reason, 'BadRequest');
  });

  it('refuses a number in ConfigMap data on create, merge patch and apply alike', async () => {
    const create = await h.request('POST', `${NS}/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' }, data: { k: 5 } } });
    assert.equal(create.status, 400, JSON.stringify(create.body));
    assert.equal(create.body.reason, 'BadRequest');
    assert.equal((await apply(`${NS}/configmaps`, 'same', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\ndata: {k: "5"}\n')).status, 201);
    const patch = await h.request('PATCH', `${NS}/configmaps/same`, { body: { data: { k: 5 } }, headers: MERGE });
    assert.equal(patch.status, 400, JSON.stringify(patch.body));
    const r = await apply(`${NS}/configmaps`, 'same', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\ndata: {k: 5}\n');
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.reason, 'BadRequest');
    assert.equal((await h.request('GET', `${NS}/configmaps/same`)).body.data.k, '5');
  });

  it('accepts well-typed applies: int-or-string, quantities, base64, and nulls that remove fields', async () => {
    const body = deployment(
      'ok',
      `  replicas: 3
  paused: false
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: "25%", maxUnavailable: 1}
`,
    ).replace('        image: nginx\n', '        image: nginx\n        ports: [{containerPort: 80}]\n        resources: {limits: {cpu: 1, memory: 128Mi}, requests: {cpu: "250m"}}\n        readinessProbe: {httpGet: {port: http, path: /}}\n');
    const r = await apply(`${APPS}/deployments`, 'ok', body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.spec.replicas, 3);
    assert.equal(r.body.spec.strategy.rollingUpdate.maxSurge, '25%');
    const cleared = await apply(`${APPS}/deployments`, 'ok', body.replace('  replicas: 3\n', '  replicas: null\n').replace('  paused: false\n', ''));
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    const secret = await apply(`${NS}/secrets`, 'okay', 'apiVersion: v1\nkind: Secret\nmetadata: {name: okay}\ndata: {k: aGVsbG8=}\nstringData: {s: plain}\n');
    assert.equal(secret.status, 201, JSON.stringify(secret.body));
    const svc = await apply(
      `${NS}/services`,
      'okay',
      'apiVersion: v1\nkind: Service\nmetadata: {name: okay}\nspec:\n  selector: {app: ok}\n  ports: [{port: 80, targetPort: http, name: a}, {port: 81, targetPort: 8081, name: b}]\n',
    );
    assert.equal(svc.status, 201, JSON.stringify(svc.body));
    const cm = await apply(`${NS}/configmaps`, 'okay', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: okay, labels: {a: "1"}}\ndata: {k: v}\nimmutable: false\n');
    assert.equal(cm.status, 201, JSON.stringify(cm.body));
    const nulled = await apply(`${NS}/configmaps`, 'okay', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: okay, labels: null}\ndata: {k: v}\nimmutable: null\n');
    assert.equal(nulled.status, 200, JSON.stringify(nulled.body));
    assert.equal(nulled.body.metadata.labels, undefined);
  });

  it('refuses a wrongly typed custom resource: create by its validation (422), apply at the typed conversion (400)', async () => {
    const crds = '/clusters/wds1/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { plural: 'widgets', kind: 'Widget' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' }, port: { 'x-kubernetes-int-or-string': true } } } } } },
          },
        ],
      },
    };
    assert.equal((await h.request('POST', crds, { body: crd })).status, 201);
    const widgets = '/clusters/wds1/apis/example.com/v1/namespaces/default/widgets';
    for (let i = 0; i < 200 && (await h.request('GET', widgets)).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));
    const create = await h.request('POST', widgets, { body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 'big' } } });
    assert.ok(create.status >= 400 && create.status < 500, JSON.stringify(create.body));
    const r = await apply(widgets, 'w2', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2}\nspec: {size: big}\n');
    assert.equal(create.status, 422, JSON.stringify(create.body));
    assert.equal(create.body.reason, 'Invalid');
    // Upstream converts the applied configuration to the CRD's structural type first.
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.reason, 'BadRequest');
    assert.equal(r.body.message, 'failed to create typed patch object (default/w2; example.com/v1, Kind=Widget): .spec.size: expected numeric (int or float), got string');
    assert.equal((await h.request('GET', `${widgets}/w2`)).status, 404);
    const ok = await apply(widgets, 'w3', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w3}\nspec: {size: 3, port: http}\n');
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });
});
