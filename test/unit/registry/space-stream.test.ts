import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { builtinResources } from '../../../src/registry/builtin/index.js';
import { ResourceCatalog } from '../../../src/registry/catalog.js';
import { decodeMetadata, encodeObject, endOfObject } from '../../../src/registry/codec.js';
import { objectKey } from '../../../src/registry/keys.js';
import { SpaceStream, type SpaceEvent } from '../../../src/registry/space-stream.js';
import { GenericStore } from '../../../src/registry/store.js';
import { configmaps } from '../../../src/registry/builtin/core.js';
import { openBackend, type Backend } from '../../../storage/index.js';
import { createKey, deleteKey, updateKey } from '../../../storage/kv-ops.js';

const cm = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, namespace: 'n', uid: `uid-${name}`, labels: { app: 'a{b}"c' }, annotations: { note: 'braces } { and "quotes\\" and \\\\' }, ...extra },
  apiVersion: 'v1',
  kind: 'ConfigMap',
  data: { 'k}': '{"x": [1, {"y": "}"}]}', é: 'ünïcødé ☃' },
});

describe('registry codec: metadata alone', () => {
  const cases: [string, KubeObject][] = [
    ['braces and escaped quotes in strings', cm('a')],
    ['empty metadata', { apiVersion: 'v1', kind: 'X', metadata: {} }],
    ['nested managedFields', cm('b', { managedFields: [{ manager: 'm', fieldsV1: { 'f:data': { '.': {}, 'f:k}': {} } } }] })],
  ];
  for (const [what, obj] of cases) {
    it(what, () => {
      const meta = decodeMetadata(encodeObject(obj), 42);
      const { resourceVersion: _rv, ...want } = obj.metadata;
      assert.deepEqual(meta, { ...want, resourceVersion: '42' });
    });
  }
  it('bytes not led by metadata are decoded whole', () => {
    const bytes = Buffer.from(JSON.stringify({ kind: 'X', metadata: { name: 'late' } }));
    assert.deepEqual(decodeMetadata(bytes, 3), { name: 'late', resourceVersion: '3' });
  });
  it('finds the closing brace of an object, or -1 when it is cut short', () => {
    const text = Buffer.from('x{"a":"}\\"}",{"b":{}}}tail');
    assert.equal(endOfObject(text, 1), text.indexOf('tail') - 1);
    assert.equal(endOfObject(Buffer.from('{"a":"}"'), 0), -1);
  });
});

describe('registry SpaceStream: events decode as far as they are read', () => {
  let backend: Backend;
  const catalog = new ResourceCatalog(builtinResources);
  const def = catalog.byResource('', 'configmaps')!;
  const key = (name: string): string => objectKey('s1', def, 'n', name);
  beforeEach(async () => (backend = await openBackend('memory://')));
  afterEach(async () => backend.close());

  it('gives metadata, the whole object and the previous one for ADDED, MODIFIED and DELETED', async () => {
    const stream = new SpaceStream(backend, 's1', catalog);
    const abort = new AbortController();
    const seen: SpaceEvent[] = [];
    const done = (async () => {
      for await (const events of stream.watchAll(0, abort.signal)) {
        seen.push(...events);
        if (seen.length >= 3) abort.abort();
      }
    })().catch(() => undefined);
    const created = await createKey(backend, key('a'), encodeObject(cm('a')));
    const updated = await updateKey(backend, key('a'), encodeObject(cm('a', { labels: { v: '2' } })), created);
    const { revision: deleted } = await deleteKey(backend, key('a'), updated);
    await done;
    assert.deepEqual(seen.map((e) => [e.type, e.revision, e.metadata.resourceVersion, e.metadata.labels]), [
      ['ADDED', created, String(created), { app: 'a{b}"c' }],
      ['MODIFIED', updated, String(updated), { v: '2' }],
      ['DELETED', deleted, String(deleted), { v: '2' }],
    ]);
    const [added, modified, removed] = seen as [SpaceEvent, SpaceEvent, SpaceEvent];
    assert.deepEqual(added.object['data'], cm('a')['data']);
    assert.equal(added.object.metadata.resourceVersion, String(created));
    assert.equal(added.previous, undefined);
    assert.deepEqual(modified.previous?.metadata.labels, { app: 'a{b}"c' });
    assert.equal(modified.object, modified.object, 'decoded once');
    assert.equal(modified.metadata, modified.object.metadata, 'metadata is the decoded object\'s once there is one');
    assert.equal(removed.object, removed.previous);
    assert.deepEqual(added.stored?.revision, created);
    assert.equal(removed.stored, undefined);
  });

  it('lists the space with metadata and stored bytes', async () => {
    await createKey(backend, key('a'), encodeObject(cm('a')));
    await createKey(backend, objectKey('s2', def, 'n', 'other'), encodeObject(cm('other')));
    const { items } = await new SpaceStream(backend, 's1', catalog).listAll();
    assert.deepEqual(items.map((i) => [i.def.plural, i.metadata.name, i.object.kind]), [['configmaps', 'a', 'ConfigMap']]);
  });
});

describe('registry GenericStore: a watch of one name', () => {
  let backend: Backend;
  beforeEach(async () => (backend = await openBackend('memory://')));
  afterEach(async () => backend.close());

  it('sees only the objects of that name, in every namespace, iterated or pushed', async () => {
    const store = new GenericStore(configmaps, { backend, space: 's1' });
    const obj = (namespace: string, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: '1' } });
    const abort = new AbortController();
    const iterated: string[] = [];
    const done = (async () => {
      for await (const events of store.watch('', { afterRevision: 0, name: 'kube-root-ca.crt', signal: abort.signal })) {
        iterated.push(...events.map((e) => `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`));
        if (iterated.length >= 3) abort.abort();
      }
    })().catch(() => undefined);
    const pushed: string[] = [];
    const control = store.watchEach('', { afterRevision: 0, name: 'kube-root-ca.crt' }, {
      next: (events) => (pushed.push(...events.map((e) => `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`)), true),
      end: () => undefined,
    });
    await store.create('a', obj('a', 'kube-root-ca.crt'));
    await store.create('a', obj('a', 'x-kube-root-ca.crt'));
    await store.create('a', obj('a', 'other'));
    await store.create('b', obj('b', 'kube-root-ca.crt'));
    await store.delete('a', 'other');
    await store.delete('a', 'kube-root-ca.crt');
    await done;
    control.close();
    const want = ['ADDED a/kube-root-ca.crt', 'ADDED b/kube-root-ca.crt', 'DELETED a/kube-root-ca.crt'];
    assert.deepEqual(iterated, want);
    assert.deepEqual(pushed, want);
  });
});
