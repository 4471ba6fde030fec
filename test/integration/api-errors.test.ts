/**
 * Acceptance criterion: "Bad input gets a Kubernetes Status with the upstream code and reason, and
 * the server stays up." Every case goes over the real TLS socket of an in-process server and checks
 * the Status body (kind, code, reason and, where upstream sets them, details name/kind/group/causes);
 * after each case the server must still answer a normal request.
 */
import assert from 'node:assert/strict';
import { startInProcess, type HttpResult, type InProcessServer } from '../helpers/in-process.js';

const SPACE = '/clusters/cluster1';
const NS = 'errors';
const CM = `${SPACE}/api/v1/namespaces/${NS}/configmaps`;
const SECRETS = `${SPACE}/api/v1/namespaces/${NS}/secrets`;
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

interface ExpectedDetails {
  name?: string;
  kind?: string;
  group?: string;
  causes?: { field?: string; reason?: string }[];
  /** details.retryAfterSeconds must be set */
  retryAfter?: boolean;
}

/** Asserts an answer is a Failure Status with this code and reason (never the message text). */
function expectStatus(r: HttpResult, code: number, reason: string, details?: ExpectedDetails): void {
  const where = `${r.status} ${JSON.stringify(r.body)}`;
  assert.equal(r.status, code, where);
  assert.match(String(r.headers['content-type']), /^application\/json\b/, where);
  assert.equal(typeof r.body, 'object', where);
  assert.equal(r.body.kind, 'Status', where);
  assert.equal(r.body.apiVersion, 'v1', where);
  assert.equal(r.body.status, 'Failure', where);
  assert.equal(r.body.code, code, where);
  assert.equal(r.body.reason, reason, where);
  if (details === undefined) return;
  const d = r.body.details ?? {};
  if ('name' in details) assert.equal(d.name, details.name, `details.name: ${where}`);
  if ('kind' in details) assert.equal(d.kind, details.kind, `details.kind: ${where}`);
  if ('group' in details) assert.equal(d.group, details.group, `details.group: ${where}`);
  if (details.retryAfter) assert.equal(typeof d.retryAfterSeconds, 'number', `details.retryAfterSeconds: ${where}`);
  for (const want of details.causes ?? []) {
    const causes: { field?: string; reason?: string }[] = d.causes ?? [];
    assert.ok(
      causes.some((c) => (want.field === undefined || c.field === want.field) && (want.reason === undefined || c.reason === want.reason)),
      `details.causes should hold ${JSON.stringify(want)}: ${where}`,
    );
  }
}

const configMap = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  ...extra,
});

// --- a minimal protobuf writer for request bodies (wire-formats §2) ---
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
function lenField(field: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...varint(payload.length)]), payload]);
}
const str = (field: number, s: string): Buffer => lenField(field, Buffer.from(s, 'utf8'));
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
/** `k8s\0` + runtime.Unknown{typeMeta{v1, ConfigMap}, raw: ConfigMap{metadata{name}}}. */
function protobufConfigMap(name: string): Buffer {
  const typeMeta = Buffer.concat([str(1, 'v1'), str(2, 'ConfigMap')]);
  const raw = lenField(1, str(1, name));
  return Buffer.concat([MAGIC, lenField(1, typeMeta), lenField(2, raw)]);
}

// Both HTTP fronts: node's HTTPS server in the front thread (the default) and on the main thread.
for (const httpFront of ['thread', 'inline'] as const) {
  describe(`API errors over TLS: Status with upstream code and reason, server stays up (HTTP front: ${httpFront})`, function () {
    let h: InProcessServer;
    let existing: { metadata: { name: string; resourceVersion: string } };

    before(async () => {
      h = await startInProcess({ httpFront });
      const ns = await h.request('POST', `${SPACE}/api/v1/namespaces`, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } });
      assert.equal(ns.status, 201, JSON.stringify(ns.body));
      const cm = await h.request('POST', CM, { body: configMap('existing', { data: { a: '1' } }) });
      assert.equal(cm.status, 201, JSON.stringify(cm.body));
      existing = cm.body;
      // Move it on so its first resourceVersion is stale.
      const upd = await h.request('PUT', `${CM}/existing`, { body: { ...cm.body, data: { a: '2' } } });
      assert.equal(upd.status, 200, JSON.stringify(upd.body));
    });

    after(async () => {
      await h?.stop();
    });

    afterEach(async function () {
      // The server stays up: a plain read still works after every bad request.
      const r = await h.request('GET', `${CM}/existing`);
      assert.equal(r.status, 200, `server unhealthy after "${this.currentTest?.title}": ${JSON.stringify(r.body)}`);
      assert.equal(r.body.kind, 'ConfigMap');
    });

    describe('request bodies', () => {
      it('malformed JSON → 400 BadRequest', async () => {
        const r = await h.request('POST', CM, { body: '{"apiVersion":"v1","kind":', headers: { 'Content-Type': 'application/json' } });
        expectStatus(r, 400, 'BadRequest');
      });

      it('a JSON body that is not an object → 400 BadRequest', async () => {
        expectStatus(await h.request('POST', CM, { body: '[1,2]' }), 400, 'BadRequest');
      });

      it('malformed YAML with Content-Type application/yaml → 400 BadRequest', async () => {
        const r = await h.request('POST', CM, { body: 'apiVersion: v1\nkind: [ConfigMap\n  metadata: : x\n', headers: { 'Content-Type': 'application/yaml' } });
        expectStatus(r, 400, 'BadRequest');
      });

      it('well-formed YAML and protobuf bodies are accepted (control for the malformed cases)', async () => {
        const y = await h.request('POST', CM, {
          body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n',
          headers: { 'Content-Type': 'application/yaml' },
        });
        assert.equal(y.status, 201, JSON.stringify(y.body));
        const p = await h.request('POST', CM, { body: protobufConfigMap('from-protobuf'), headers: { 'Content-Type': PROTOBUF } });
        assert.equal(p.status, 201, JSON.stringify(p.body));
        assert.equal(p.body.metadata.name, 'from-protobuf');
      });

      it('protobuf with a bad magic prefix → 400 BadRequest', async () => {
        const body = Buffer.concat([Buffer.from('k9s\0', 'latin1'), protobufConfigMap('x').subarray(4)]);
        expectStatus(await h.request('POST', CM, { body, headers: { 'Content-Type': PROTOBUF } }), 400, 'BadRequest');
      });

      it('truncated protobuf message → 400 BadRequest', async () => {
        const full = protobufConfigMap('truncated-object');
        const body = full.subarray(0, full.length - 6);
        expectStatus(await h.request('POST', CM, { body, headers: { 'Content-Type': PROTOBUF } }), 400, 'BadRequest');
      });

      it('apiVersion that does not match the URL → 400 BadRequest', async () => {
        expectStatus(await h.request('POST', CM, { body: { ...configMap('x'), apiVersion: 'apps/v1' } }), 400, 'BadRequest');
      });

      it('kind that does not match the URL → 400 BadRequest', async () => {
        expectStatus(await h.request('POST', CM, { body: { ...configMap('x'), kind: 'Secret' } }), 400, 'BadRequest');
      });

      it('invalid name Bad_Name → 422 Invalid with a cause on metadata.name', async () => {
        expectStatus(await h.request('POST', CM, { body: configMap('Bad_Name') }), 422, 'Invalid', {
          name: 'Bad_Name',
          kind: 'ConfigMap',
          group: undefined,
          causes: [{ field: 'metadata.name', reason: 'FieldValueInvalid' }],
        });
      });

      // The same fault found once per limited resource is named once in the message (ToAggregate)
      // but stays one cause per finding.
      it('a quota scope unfit for its resources → 422 Invalid naming the fault once', async () => {
        const quota = {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'q1' },
          spec: { hard: { cpu: '1', memory: '1G', pods: '2', 'services.nodeports': '0' }, scopes: ['BestEffort'] },
        };
        const r = await h.request('POST', `${SPACE}/api/v1/namespaces/${NS}/resourcequotas`, { body: quota });
        expectStatus(r, 422, 'Invalid', { name: 'q1', kind: 'ResourceQuota', causes: [{ field: 'spec.scopes', reason: 'FieldValueInvalid' }] });
        assert.equal(r.body.message, 'ResourceQuota "q1" is invalid: spec.scopes: Invalid value: ["BestEffort"]: unsupported scope applied to resource');
        assert.equal(r.body.details.causes.length, 3);
      });

      // Upstream's ValidateServiceUpdate checks clusterIPs only; a changed clusterIP alone becomes a
      // changed clusterIPs[0] (normalizeClusterIPs) before validation.
      it('changing a Service cluster IP → 422 Invalid with the one clusterIPs[0] cause', async () => {
        const services = `${SPACE}/api/v1/namespaces/${NS}/services`;
        const created = await h.request('POST', services, { body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's1' }, spec: { ports: [{ port: 80 }] } } });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const merge = { 'Content-Type': 'application/merge-patch+json' };
        const ip = created.body.spec.clusterIP === '10.96.5.5' ? '10.96.5.6' : '10.96.5.5';
        for (const spec of [{ clusterIP: ip, clusterIPs: [ip] }, { clusterIP: ip }]) {
          const r = await h.request('PATCH', `${services}/s1`, { body: { spec }, headers: merge });
          expectStatus(r, 422, 'Invalid', { name: 's1', kind: 'Service' });
          assert.deepEqual(r.body.details.causes, [{ reason: 'FieldValueInvalid', message: `Invalid value: ["${ip}"]: may not change once set`, field: 'spec.clusterIPs[0]' }]);
        }
        await h.request('DELETE', `${services}/s1`);
      });

      it('invalid namespace name → 422 Invalid with a cause on metadata.name', async () => {
        const r = await h.request('POST', `${SPACE}/api/v1/namespaces`, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Bad_Name' } } });
        expectStatus(r, 422, 'Invalid', { name: 'Bad_Name', kind: 'Namespace', causes: [{ field: 'metadata.name', reason: 'FieldValueInvalid' }] });
      });

      it('a body over 3 MiB (Content-Length) → 413 RequestEntityTooLarge', async () => {
        const body = configMap('big', { data: { x: 'a'.repeat(3 * 1024 * 1024 + 1) } });
        expectStatus(await h.request('POST', CM, { body }), 413, 'RequestEntityTooLarge');
      });

      it('a body over 3 MiB (chunked, no Content-Length) → 413 RequestEntityTooLarge', async () => {
        const body = Buffer.from(JSON.stringify(configMap('big', { data: { x: 'a'.repeat(3 * 1024 * 1024 + 1) } })));
        expectStatus(await h.request('POST', CM, { body, chunked: true, headers: { 'Content-Type': 'application/json' } }), 413, 'RequestEntityTooLarge');
        const gone = await h.request('GET', `${CM}/big`);
        expectStatus(gone, 404, 'NotFound');
      });

      it('unsupported media type on create → 415 UnsupportedMediaType', async () => {
        expectStatus(await h.request('POST', CM, { body: 'name=x', headers: { 'Content-Type': 'text/plain' } }), 415, 'UnsupportedMediaType');
      });

      it('unsupported media type on update → 415 UnsupportedMediaType', async () => {
        const r = await h.request('PUT', `${CM}/existing`, { body: 'x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
        expectStatus(r, 415, 'UnsupportedMediaType');
      });

      it('unsupported patch type → 415 UnsupportedMediaType', async () => {
        const r = await h.request('PATCH', `${CM}/existing`, { body: '{"data":{"a":"3"}}', headers: { 'Content-Type': 'application/json' } });
        expectStatus(r, 415, 'UnsupportedMediaType');
        const r2 = await h.request('PATCH', `${CM}/existing`, { body: '{}', headers: { 'Content-Type': 'text/plain' } });
        expectStatus(r2, 415, 'UnsupportedMediaType');
      });

      it('malformed patch body → 400 BadRequest', async () => {
        const r = await h.request('PATCH', `${CM}/existing`, { body: '{"data":', headers: { 'Content-Type': 'application/merge-patch+json' } });
        expectStatus(r, 400, 'BadRequest');
      });
    });

    describe('query parameters', () => {
      it('bad label selector → 400 BadRequest (list and watch)', async () => {
        const sel = encodeURIComponent('app in (a');
        expectStatus(await h.request('GET', `${CM}?labelSelector=${sel}`), 400, 'BadRequest');
        expectStatus(await h.request('GET', `${CM}?watch=true&labelSelector=${sel}`), 400, 'BadRequest');
      });

      it('bad field selector → 400 BadRequest', async () => {
        expectStatus(await h.request('GET', `${CM}?fieldSelector=${encodeURIComponent('metadata.name')}`), 400, 'BadRequest');
      });

      it('unsupported field selector field → 400 BadRequest', async () => {
        expectStatus(await h.request('GET', `${CM}?fieldSelector=${encodeURIComponent('spec.foo=bar')}`), 400, 'BadRequest');
      });

      it('resourceVersion=abc → 400 BadRequest (list and watch)', async () => {
        expectStatus(await h.request('GET', `${CM}?resourceVersion=abc`), 400, 'BadRequest');
        expectStatus(await h.request('GET', `${CM}?watch=true&resourceVersion=abc`), 400, 'BadRequest');
      });

      it('resourceVersionMatch=Exact without resourceVersion → 422 Invalid (ListOptions)', async () => {
        expectStatus(await h.request('GET', `${CM}?resourceVersionMatch=Exact`), 422, 'Invalid', {
          kind: 'ListOptions',
          group: 'meta.k8s.io',
          causes: [{ field: 'resourceVersionMatch', reason: 'FieldValueForbidden' }],
        });
      });

      it('a watch from the future → 504 Timeout with cause ResourceVersionTooLarge', async () => {
        const future = h.server.backend.currentRevision() + 1_000_000;
        expectStatus(await h.request('GET', `${CM}?watch=true&resourceVersion=${future}`), 504, 'Timeout', {
          retryAfter: true,
          causes: [{ reason: 'ResourceVersionTooLarge' }],
        });
      });

      it('an exact list from the future → 504 Timeout with cause ResourceVersionTooLarge', async () => {
        const future = h.server.backend.currentRevision() + 1_000_000;
        expectStatus(await h.request('GET', `${CM}?resourceVersion=${future}&resourceVersionMatch=Exact`), 504, 'Timeout', {
          causes: [{ reason: 'ResourceVersionTooLarge' }],
        });
      });

      // Upstream decodes every ListOptions parameter of a list or watch and answers strconv's own
      // text; the message is the point here. Boolean parameters never fail.
      it('integer list parameters that are not int64 → 400 BadRequest with strconv.ParseInt text', async () => {
        const cases: [string, string][] = [
          ['limit=abc', 'strconv.ParseInt: parsing "abc": invalid syntax'],
          ['limit=', 'strconv.ParseInt: parsing "": invalid syntax'],
          ['limit=9223372036854775808', 'strconv.ParseInt: parsing "9223372036854775808": value out of range'],
          ['timeoutSeconds=abc', 'strconv.ParseInt: parsing "abc": invalid syntax'],
          ['limit=x&timeoutSeconds=y', 'strconv.ParseInt: parsing "y": invalid syntax'],
          ['watch=true&limit=1.5', 'strconv.ParseInt: parsing "1.5": invalid syntax'],
        ];
        for (const [query, message] of cases) {
          const r = await h.request('GET', `${CM}?${query}`);
          expectStatus(r, 400, 'BadRequest');
          assert.equal(r.body.message, message, query);
        }
        for (const query of ['limit=%2B2', 'limit=-1', 'timeoutSeconds=5', 'allowWatchBookmarks=maybe', 'watch=0']) {
          assert.equal((await h.request('GET', `${CM}?${query}`)).status, 200, query);
        }
      });

      it('list errors come in upstream\'s order: selector syntax, integers, ListOptions rules, field labels', async () => {
        // A bad selector is found while the query is decoded, before a bad integer.
        const syntax = await h.request('GET', `${CM}?labelSelector=a%3D%3D%3Db&limit=abc`);
        expectStatus(syntax, 400, 'BadRequest');
        assert.ok(!String(syntax.body.message).startsWith('strconv'), syntax.body.message);
        // The ListOptions rules (422) come before the kind's field labels are checked (400).
        expectStatus(await h.request('GET', `${CM}?fieldSelector=spec.nothing%3Dx&resourceVersionMatch=Exact`), 422, 'Invalid');
        expectStatus(await h.request('GET', `${CM}?fieldSelector=spec.nothing%3Dx`), 400, 'BadRequest');
        // A collection delete decodes the same parameters.
        const del = await h.request('DELETE', `${CM}?limit=abc`);
        expectStatus(del, 400, 'BadRequest');
        assert.equal(del.body.message, 'strconv.ParseInt: parsing "abc": invalid syntax');
      });

      it('a continue token that is not JSON → 400 BadRequest with Go\'s json error text', async () => {
        const r = await h.request('GET', `${CM}?limit=1&continue=abc`);
        expectStatus(r, 400, 'BadRequest');
        assert.equal(r.body.message, "invalid continue token: continue key is not valid: invalid character 'i' looking for beginning of value");
      });

      it('includeObject with an unknown value → 400 BadRequest', async () => {
        const r = await h.request('GET', `${CM}?includeObject=Everything`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
        expectStatus(r, 400, 'BadRequest');
      });
    });

    describe('paths and objects', () => {
      it('unknown resource path → 404 NotFound', async () => {
        expectStatus(await h.request('GET', `${SPACE}/api/v1/namespaces/${NS}/widgets`), 404, 'NotFound');
        expectStatus(await h.request('GET', `${SPACE}/apis/widgets.example.com/v1/widgets`), 404, 'NotFound');
      });

      it('unknown space → 404 NotFound', async () => {
        expectStatus(await h.request('GET', '/clusters/no-such-space/api/v1/namespaces'), 404, 'NotFound');
      });

      it('DELETE of a missing object → 404 NotFound with details.name/kind', async () => {
        expectStatus(await h.request('DELETE', `${CM}/missing`), 404, 'NotFound', { name: 'missing', kind: 'configmaps', group: undefined });
      });

      it('DELETE of a missing object in a named group → 404 NotFound with details.group', async () => {
        const r = await h.request('DELETE', '/apis/spaces.kubestellar.io/v1alpha1/spaces/missing');
        expectStatus(r, 404, 'NotFound', { name: 'missing', kind: 'spaces', group: 'spaces.kubestellar.io' });
      });

      it('create of an existing object → 409 AlreadyExists with details', async () => {
        expectStatus(await h.request('POST', CM, { body: configMap('existing') }), 409, 'AlreadyExists', {
          name: 'existing',
          kind: 'configmaps',
          group: undefined,
        });
      });

      it('update with a stale resourceVersion → 409 Conflict with details', async () => {
        const stale = { ...existing, data: { a: 'stale' } };
        expectStatus(await h.request('PUT', `${CM}/existing`, { body: stale }), 409, 'Conflict', { name: 'existing', kind: 'configmaps' });
      });

      it('a uid in an update is a precondition (409 Conflict); a patch changing it is 422 Invalid', async () => {
        const current = (await h.request('GET', `${CM}/existing`)).body;
        expectStatus(await h.request('PUT', `${CM}/existing`, { body: { ...current, metadata: { ...current.metadata, uid: 'not-this-one' } } }), 409, 'Conflict', {
          name: 'existing',
          kind: 'configmaps',
        });
        const patch = { body: { metadata: { uid: 'not-this-one' } }, headers: { 'Content-Type': 'application/merge-patch+json' } };
        expectStatus(await h.request('PATCH', `${CM}/existing`, patch), 422, 'Invalid', { causes: [{ field: 'metadata.uid', reason: 'FieldValueInvalid' }] });
        assert.equal((await h.request('GET', `${CM}/existing`)).body.metadata.uid, current.metadata.uid);
      });

      it('Accept: application/vnd.kubernetes.protobuf only, on a GET → 406 NotAcceptable', async () => {
        expectStatus(await h.request('GET', `${CM}/existing`, { headers: { Accept: PROTOBUF } }), 406, 'NotAcceptable');
        expectStatus(await h.request('GET', `${CM}/existing`, { headers: { Accept: 'text/html' } }), 406, 'NotAcceptable');
      });

      it('creating in a missing namespace → 404 NotFound (the namespace)', async () => {
        const r = await h.request('POST', `${SPACE}/api/v1/namespaces/no-such-ns/configmaps`, { body: configMap('x') });
        expectStatus(r, 404, 'NotFound', { name: 'no-such-ns', kind: 'namespaces' });
      });

      it('dryRun=All create of an existing object → 409 AlreadyExists, as a real create', async () => {
        const before = h.server.backend.currentRevision();
        expectStatus(await h.request('POST', `${CM}?dryRun=All`, { body: configMap('existing') }), 409, 'AlreadyExists', { name: 'existing', kind: 'configmaps' });
        assert.equal(h.server.backend.currentRevision(), before);
      });

      it('deleting default, kube-system or kube-public → 403 Forbidden (dry run too), and they stay', async () => {
        for (const ns of ['default', 'kube-system', 'kube-public']) {
          for (const query of ['', '?dryRun=All']) {
            expectStatus(await h.request('DELETE', `${SPACE}/api/v1/namespaces/${ns}${query}`), 403, 'Forbidden', { name: ns, kind: 'namespaces' });
          }
          const r = await h.request('GET', `${SPACE}/api/v1/namespaces/${ns}`);
          assert.equal(r.status, 200);
          assert.equal(r.body.metadata.deletionTimestamp, undefined);
        }
      });

      it('dryRun=All create answers 201 and leaves nothing behind', async () => {
        const before = h.server.backend.currentRevision();
        const r = await h.request('POST', `${CM}?dryRun=All`, { body: configMap('dry-run', { data: { a: '1' } }) });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(r.body.metadata.name, 'dry-run');
        expectStatus(await h.request('GET', `${CM}/dry-run`), 404, 'NotFound', { name: 'dry-run', kind: 'configmaps' });
        assert.equal(h.server.backend.currentRevision(), before, 'a dry run must not write');
      });
    });

    // Bad input beyond the brief's list, where upstream's answer is certain.
    describe('typed decoding and option validation', () => {
      it('dryRun with a value other than All → 422 Invalid (CreateOptions) and nothing is created', async () => {
        const r = await h.request('POST', `${CM}?dryRun=Yes`, { body: configMap('dry-run-typo') });
        const left = await h.request('GET', `${CM}/dry-run-typo`);
        if (left.status === 200) await h.request('DELETE', `${CM}/dry-run-typo`);
        expectStatus(r, 422, 'Invalid', { kind: 'CreateOptions', group: 'meta.k8s.io', causes: [{ field: 'dryRun', reason: 'FieldValueNotSupported' }] });
        assert.equal(left.status, 404, 'a refused dry run must not create the object');
      });

      it('ConfigMap data of the wrong type → 400 BadRequest (upstream cannot decode it)', async () => {
        const r1 = await h.request('POST', CM, { body: configMap('data-number', { data: 1 }) });
        const r2 = await h.request('POST', CM, { body: configMap('data-values-number', { data: { a: 1 } }) });
        for (const name of ['data-number', 'data-values-number']) await h.request('DELETE', `${CM}/${name}`);
        expectStatus(r1, 400, 'BadRequest');
        expectStatus(r2, 400, 'BadRequest');
      });

      it('metadata that is not an object → 400 BadRequest', async () => {
        expectStatus(await h.request('POST', CM, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: 'x' } }), 400, 'BadRequest');
      });

      it('a create carrying a resourceVersion → 500 without a reason, as etcd3 storage refuses it', async () => {
        const r = await h.request('POST', CM, { body: configMap('with-rv', { metadata: { name: 'with-rv', resourceVersion: '12' } }) });
        assert.equal(r.status, 500, JSON.stringify(r.body));
        assert.equal(r.body.kind, 'Status');
        assert.equal(r.body.reason, undefined);
        assert.equal((await h.request('GET', `${CM}/with-rv`)).status, 404);
      });

      it('force on a non-apply patch, or a fieldManager that is too long or unprintable → 422 Invalid on the options kind', async () => {
        const merge = { 'Content-Type': 'application/merge-patch+json' };
        expectStatus(await h.request('PATCH', `${CM}/existing?force=true`, { body: {}, headers: merge }), 422, 'Invalid', {
          kind: 'PatchOptions',
          group: 'meta.k8s.io',
          causes: [{ field: 'force', reason: 'FieldValueForbidden' }],
        });
        expectStatus(await h.request('POST', `${CM}?fieldManager=${'m'.repeat(129)}`, { body: configMap('long-manager') }), 422, 'Invalid', {
          kind: 'CreateOptions',
          causes: [{ field: 'fieldManager', reason: 'FieldValueTooLong' }],
        });
        expectStatus(await h.request('PATCH', `${CM}/existing?fieldManager=a%07b`, { body: {}, headers: merge }), 422, 'Invalid', {
          kind: 'PatchOptions',
          causes: [{ field: 'fieldManager', reason: 'FieldValueInvalid' }],
        });
        assert.equal((await h.request('GET', `${CM}/long-manager`)).status, 404);
      });

      it('a GET at a resourceVersion the store has not reached → 504 Timeout after waiting', async () => {
        const r = await h.request('GET', `${CM}/existing?resourceVersion=999999999`);
        expectStatus(r, 504, 'Timeout', { causes: [{ reason: 'ResourceVersionTooLarge' }], retryAfter: true });
      });

      it('a watch timeoutSeconds that is not a number → 400 BadRequest', async () => {
        expectStatus(await h.request('GET', `${CM}?watch=true&timeoutSeconds=abc`), 400, 'BadRequest');
      });

      it('namespaced resources without a namespace: items 404, a create 405 (no such route)', async () => {
        const all = `${SPACE}/api/v1/configmaps`;
        expectStatus(await h.request('GET', `${all}/existing`), 404, 'NotFound');
        expectStatus(await h.request('DELETE', `${all}/existing`), 404, 'NotFound');
        expectStatus(await h.request('POST', all, { body: configMap('nowhere') }), 405, 'MethodNotAllowed');
        assert.equal((await h.request('GET', all)).status, 200);
      });

      it('Secret data that is not base64 → 400 BadRequest', async () => {
        const r = await h.request('POST', SECRETS, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'not-base64' }, data: { a: '!!!' } } });
        await h.request('DELETE', `${SECRETS}/not-base64`);
        expectStatus(r, 400, 'BadRequest');
      });
    });

    // go-restful has no such route: upstream answers 405 MethodNotAllowed before decoding anything.
    describe('methods a path does not serve', () => {
      it('POST to an object URL → 405 MethodNotAllowed, and nothing is created', async () => {
        const r = await h.request('POST', `${CM}/post-target`, { body: configMap('posted-elsewhere') });
        const left = await h.request('GET', `${CM}/posted-elsewhere`);
        if (left.status === 200) await h.request('DELETE', `${CM}/posted-elsewhere`);
        expectStatus(r, 405, 'MethodNotAllowed');
        assert.equal(left.status, 404, 'POST to an object URL must not create the object named in the body');
      });

      it('PUT to a collection URL → 405 MethodNotAllowed', async () => {
        expectStatus(await h.request('PUT', CM, { body: configMap('existing') }), 405, 'MethodNotAllowed');
      });

      it('PATCH to a collection URL → 405 MethodNotAllowed', async () => {
        expectStatus(await h.request('PATCH', CM, { body: {}, headers: { 'Content-Type': 'application/merge-patch+json' } }), 405, 'MethodNotAllowed');
      });
    });

    // Mocha runs a describe's own tests before its nested describes: keep this one in a last block.
    describe('afterwards', () => {
      it('after all of the above, normal requests still succeed', async () => {
        const health = await h.request('GET', `${SPACE}/healthz`);
        assert.equal(health.status, 200);
        const created = await h.request('POST', CM, { body: configMap('after-errors', { data: { ok: 'yes' } }) });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const list = await h.request('GET', CM);
        assert.equal(list.status, 200);
        assert.equal(list.body.kind, 'ConfigMapList');
        const names = (list.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
        assert.ok(names.includes('after-errors') && names.includes('existing'), JSON.stringify(names));
        assert.ok(!names.includes('dry-run') && !names.includes('big'), JSON.stringify(names));
      });
    });
  });
}
