/** An Ingress that names no class gets the default IngressClass (kube's DefaultIngressClass admission). */
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const S = '/clusters/wds1';
const INGRESSES = `${S}/apis/networking.k8s.io/v1/namespaces/default/ingresses`;

describe('DefaultIngressClass admission', function () {
  this.timeout(30_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  const ingress = (name: string, spec: Record<string, unknown> = {}, annotations?: Record<string, string>) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, ...(annotations && { annotations }) },
    spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } }, ...spec },
  });
  const ingressClass = (name: string, isDefault: boolean) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name, ...(isDefault && { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }) },
    spec: { controller: 'k8s.io/ingress-nginx' },
  });

  it('fills in the default class on create, and only when the Ingress names none', async () => {
    const before = await h.request('POST', INGRESSES, { body: ingress('before') });
    assert.equal(before.status, 201);
    assert.equal(before.body.spec.ingressClassName, undefined, 'no default class yet');

    for (const [name, isDefault] of [['other', false], ['nginx', true]] as const) {
      assert.equal((await h.request('POST', `${S}/apis/networking.k8s.io/v1/ingressclasses`, { body: ingressClass(name, isDefault) })).status, 201);
    }
    const got = await eventually('the default class applied', async () => {
      const r = await h.request('POST', `${INGRESSES}?dryRun=All`, { body: ingress('probe') });
      return r.body.spec?.ingressClassName as string | undefined;
    });
    assert.equal(got, 'nginx');

    const named = await h.request('POST', INGRESSES, { body: ingress('named', { ingressClassName: 'other' }) });
    assert.equal(named.body.spec.ingressClassName, 'other');
    const annotated = await h.request('POST', INGRESSES, { body: ingress('annotated', {}, { 'kubernetes.io/ingress.class': 'legacy' }) });
    assert.equal(annotated.status, 201);
    assert.equal(annotated.body.spec.ingressClassName, undefined, 'the legacy annotation names a class');

    const updated = await h.request('PUT', `${INGRESSES}/before`, { body: { ...before.body, metadata: { ...before.body.metadata, labels: { a: 'b' } } } });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.spec.ingressClassName, undefined, 'updates are left alone');
  });
});
