/**
 * Admission webhooks called for real: a TLS webhook server on loopback (its CA given as the
 * configuration's caBundle) answers AdmissionReviews. Mutating hooks patch objects before they are
 * validated and stored, validating hooks refuse with their own Status, failurePolicy decides about
 * hooks that cannot be reached, dry runs skip hooks with side effects, selectors narrow what is
 * sent, and hooks never see writes of webhook configurations.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateRsaKeyPair, signCertificate } from '../../src/pki/certificates.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const S = '/clusters/wds1';
const MWC = `${S}/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations`;
const VWC = `${S}/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations`;
const cms = (ns: string): string => `${S}/api/v1/namespaces/${ns}/configmaps`;

type Review = { request: Record<string, any> };
type Answer = (review: Review) => Record<string, unknown> | 'hang' | number;

/** A webhook server whose answer per path the test sets; it records every review it gets. */
async function startWebhookServer(): Promise<{ url: string; caBundle: string; seen: Map<string, Review[]>; answers: Map<string, Answer>; close(): Promise<void> }> {
  const now = new Date();
  const caKeys = generateRsaKeyPair();
  const caCert = signCertificate({ subject: { commonName: 'webhook-ca' }, publicKeyPem: caKeys.publicKey, profile: 'ca', now, days: 1 }, { keyPem: caKeys.privateKey });
  const keys = generateRsaKeyPair();
  const cert = signCertificate(
    { subject: { commonName: 'webhook' }, publicKeyPem: keys.publicKey, profile: 'server', hosts: ['127.0.0.1', 'hooks.webhooks.svc'], now, days: 1 },
    { keyPem: caKeys.privateKey, certPem: caCert },
  );
  const seen = new Map<string, Review[]>();
  const answers = new Map<string, Answer>();
  const server: Server = createServer({ key: keys.privateKey, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url!, 'https://x').pathname;
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
      seen.set(path, [...(seen.get(path) ?? []), review]);
      const answer = (answers.get(path) ?? (() => ({ allowed: true })))(review);
      if (answer === 'hang') return;
      if (typeof answer === 'number') {
        res.writeHead(answer).end('boom');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request['uid'], ...answer } }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caBundle: Buffer.from(caCert).toString('base64'),
    seen,
    answers,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

const patchOf = (ops: unknown[]): { patch: string; patchType: string } => ({ patch: Buffer.from(JSON.stringify(ops)).toString('base64'), patchType: 'JSONPatch' });

describe('admission webhooks', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  let hooks: Awaited<ReturnType<typeof startWebhookServer>>;

  before(async () => {
    [h, hooks] = await Promise.all([startInProcess({ storage: 'memory' }), startWebhookServer()]);
  });
  after(async () => {
    await h?.stop();
    await hooks?.close();
  });

  const ok = async (method: string, path: string, body?: unknown): Promise<any> => {
    const r = await h.request(method, path, body === undefined ? {} : { body });
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const hook = (name: string, path: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    name,
    clientConfig: { url: `${hooks.url}${path}`, caBundle: hooks.caBundle },
    rules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], operations: ['CREATE', 'UPDATE', 'DELETE'] }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    timeoutSeconds: 2,
    ...extra,
  });
  const config = (kind: 'Mutating' | 'Validating', name: string, webhooks: unknown[]): Record<string, unknown> => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: `${kind}WebhookConfiguration`,
    metadata: { name },
    webhooks,
  });
  const cm = (name: string, labels: Record<string, string> = {}): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { a: '1' } });

  it('a mutating hook patches the object before it is stored, seeing the request as upstream sends it', async () => {
    hooks.answers.set('/mutate', () => ({ allowed: true, ...patchOf([{ op: 'add', path: '/data/injected', value: 'yes' }]), warnings: ['mutated by test'] }));
    await ok('POST', MWC, config('Mutating', 'inject', [hook('inject.example.com', '/mutate')]));
    const created = await h.request('POST', cms('default'), { body: cm('m1') });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.injected, 'yes');
    assert.match(String(created.headers['warning']), /mutated by test/);
    const stored = await ok('GET', `${cms('default')}/m1`);
    assert.equal(stored.body.data.injected, 'yes');
    const review = hooks.seen.get('/mutate')!.at(-1)!;
    assert.equal(review.request['operation'], 'CREATE');
    assert.deepEqual(review.request['kind'], { group: '', version: 'v1', kind: 'ConfigMap' });
    assert.deepEqual(review.request['resource'], { group: '', version: 'v1', resource: 'configmaps' });
    assert.equal(review.request['namespace'], 'default');
    assert.equal(review.request['object'].metadata.name, 'm1');
    assert.equal(review.request['oldObject'], null);
    assert.equal(review.request['dryRun'], false);
    assert.equal(review.request['options'].kind, 'CreateOptions');
    assert.equal(typeof review.request['userInfo'].username, 'string');
    await ok('DELETE', `${MWC}/inject`);
  });

  it('a validating hook refuses with its own code and message; failurePolicy decides about a hook it cannot reach', async () => {
    hooks.answers.set('/deny', (r) => (r.request['object']?.metadata?.labels?.['bad'] === 'true' ? { allowed: false, status: { code: 403, reason: 'Forbidden', message: 'no bad configmaps' } } : { allowed: true }));
    await ok('POST', VWC, config('Validating', 'deny-bad', [hook('deny.example.com', '/deny')]));
    const refused = await h.request('POST', cms('default'), { body: cm('v1', { bad: 'true' }) });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.reason, 'Forbidden');
    assert.equal(refused.body.message, 'admission webhook "deny.example.com" denied the request: no bad configmaps');
    await ok('POST', cms('default'), cm('v2'));
    // No status in the answer: 400, without explanation.
    hooks.answers.set('/deny', () => ({ allowed: false }));
    const bare = await h.request('PUT', `${cms('default')}/v2`, { body: cm('v2') });
    assert.equal(bare.status, 400);
    assert.equal(bare.body.message, 'admission webhook "deny.example.com" denied the request without explanation');
    // Deletes are sent too, with the old object.
    const del = await h.request('DELETE', `${cms('default')}/v2`);
    assert.equal(del.status, 400);
    assert.equal(hooks.seen.get('/deny')!.at(-1)!.request['operation'], 'DELETE');
    await ok('DELETE', `${VWC}/deny-bad`);
    await ok('DELETE', `${cms('default')}/v2`);

    // Unreachable: Fail is a 500 InternalError, Ignore lets the write through.
    const dead = 'https://127.0.0.1:1/dead';
    await ok('POST', VWC, config('Validating', 'dead', [{ ...hook('dead.example.com', '/x'), clientConfig: { url: dead } }]));
    const failed = await h.request('POST', cms('default'), { body: cm('v3') });
    assert.equal(failed.status, 500);
    assert.equal(failed.body.reason, 'InternalError');
    assert.match(failed.body.message, /^Internal error occurred: failed calling webhook "dead\.example\.com": failed to call webhook: Post "https:\/\/127\.0\.0\.1:1\/dead\?timeout=2s": dial tcp 127\.0\.0\.1:1: connect: connection refused$/);
    const current = await ok('GET', `${VWC}/dead`);
    await ok('PUT', `${VWC}/dead`, { ...current.body, webhooks: [{ ...current.body.webhooks[0], failurePolicy: 'Ignore' }] });
    await ok('POST', cms('default'), cm('v3'));
    await ok('DELETE', `${VWC}/dead`);
  });

  it('times out a hook that does not answer, and refuses an answer for another request', async () => {
    hooks.answers.set('/slow', () => 'hang');
    await ok('POST', VWC, config('Validating', 'slow', [hook('slow.example.com', '/slow', { timeoutSeconds: 1 })]));
    const slow = await h.request('POST', cms('default'), { body: cm('t1') });
    assert.equal(slow.status, 500);
    assert.match(slow.body.message, /context deadline exceeded$/);
    hooks.answers.set('/slow', () => ({ allowed: true, uid: 'not-the-request' }));
    const wrong = await h.request('POST', cms('default'), { body: cm('t2') });
    assert.equal(wrong.status, 500);
    assert.match(wrong.body.message, /received invalid webhook response: expected response\.uid=/);
    await ok('DELETE', `${VWC}/slow`);
  });

  it('dry runs are sent marked as such; selectors and matchConditions narrow what is sent', async () => {
    hooks.answers.set('/side', () => ({ allowed: true }));
    await ok('POST', VWC, config('Validating', 'side', [hook('side.example.com', '/side', { sideEffects: 'NoneOnDryRun', objectSelector: { matchLabels: { watched: 'yes' } } })]));
    await ok('POST', `${cms('default')}?dryRun=All`, cm('d1', { watched: 'yes' }));
    const dry = hooks.seen.get('/side')!.at(-1)!.request;
    assert.equal(dry['dryRun'], true);
    assert.deepEqual(dry['options'].dryRun, ['All']);
    assert.equal((await h.request('GET', `${cms('default')}/d1`)).status, 404);
    const before = hooks.seen.get('/side')!.length;
    await ok('POST', cms('default'), cm('d3'));
    assert.equal(hooks.seen.get('/side')!.length, before, 'objects outside the objectSelector are not sent');
    await ok('DELETE', `${VWC}/side`);

    await ok('POST', `${S}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hooked', labels: { hooks: 'on' } } });
    hooks.answers.set('/ns', () => ({ allowed: false, status: { message: 'namespace says no' } }));
    await ok(
      'POST',
      VWC,
      config('Validating', 'ns', [
        hook('ns.example.com', '/ns', {
          namespaceSelector: { matchLabels: { hooks: 'on' } },
          matchConditions: [{ name: 'not-exempt', expression: "!has(object.metadata.labels) || !('exempt' in object.metadata.labels)" }],
        }),
      ]),
    );
    assert.equal((await h.request('POST', cms('hooked'), { body: cm('n1') })).status, 400);
    await ok('POST', cms('hooked'), cm('n2', { exempt: 'true' }));
    await ok('POST', cms('default'), cm('n3'));
    await ok('DELETE', `${VWC}/ns`);
  });

  it('a Service-backed hook reaches a ready endpoint, and a missing Service is reported as upstream', async () => {
    await ok('POST', `${S}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'webhooks' } });
    const svcHook = (name: string): Record<string, unknown> => ({
      ...hook(name, '/svc'),
      clientConfig: { service: { namespace: 'webhooks', name: 'hooks', path: '/svc', port: 443 }, caBundle: hooks.caBundle },
    });
    await ok('POST', VWC, config('Validating', 'svc', [svcHook('svc.example.com')]));
    const missing = await h.request('POST', cms('default'), { body: cm('s1') });
    assert.equal(missing.status, 500);
    assert.match(missing.body.message, /Post "https:\/\/hooks\.webhooks\.svc:443\/svc\?timeout=2s": service "hooks" not found$/);
    await ok('POST', `${S}/api/v1/namespaces/webhooks/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'hooks' },
      spec: { ports: [{ name: 'https', port: 443 }] },
    });
    const none = await h.request('POST', cms('default'), { body: cm('s2') });
    assert.match(none.body.message, /no endpoints available for service "hooks"$/);
    const port = Number(new URL(hooks.url).port);
    await ok('POST', `${S}/apis/discovery.k8s.io/v1/namespaces/webhooks/endpointslices`, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'hooks-1', labels: { 'kubernetes.io/service-name': 'hooks' } },
      addressType: 'IPv4',
      ports: [{ name: 'https', port }],
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    });
    hooks.answers.set('/svc', () => ({ allowed: true }));
    await ok('POST', cms('default'), cm('s3'));
    assert.equal(hooks.seen.get('/svc')!.at(-1)!.request['object'].metadata.name, 's3');
    await ok('DELETE', `${VWC}/svc`);
  });

  it('never sends writes of webhook configurations to hooks', async () => {
    hooks.answers.set('/all', () => ({ allowed: false }));
    const everything = { ...hook('all.example.com', '/all'), rules: [{ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['*'] }] };
    await ok('POST', VWC, config('Validating', 'all', [everything]));
    assert.equal((await h.request('POST', cms('default'), { body: cm('x1') })).status, 400);
    await ok('POST', MWC, config('Mutating', 'other', [hook('other.example.com', '/other')]));
    await ok('DELETE', `${MWC}/other`);
    await ok('DELETE', `${VWC}/all`);
    await ok('POST', cms('default'), cm('x1'));
  });
});
