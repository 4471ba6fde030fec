/**
 * Acceptance criterion: "An integration test runs @kubernetes/client-node's informer (list + watch)
 * against the server through writes, a compaction that forces a 410, and a server restart; the
 * informer's cache ends equal to a fresh list, with no missed or duplicated events."
 *
 * Phases, on one LevelDB data dir:
 *  1. live: the informer lists, then watches while objects are created, updated and deleted; it
 *     must deliver every write as its own event.
 *  2. gap: the informer is stopped, many writes happen, history is compacted up to the current
 *     revision; restarted, its watch from the old resourceVersion gets the in-stream 410, it
 *     relists, and its cache converges (intermediate states are legitimately collapsed).
 *  3. restart: the server is stopped and served again on the same data dir and port; the
 *     informer's watch breaks, its reconnects fail until the server is back (client-node then
 *     calls the error handlers, which restart it, as its docs advise), and it resumes from its
 *     last resourceVersion. History survives the restart, so every write is again delivered.
 * Finally the cache equals a fresh list (names and resourceVersions), and each object's delivered
 * event sequence is consistent.
 */
import assert from 'node:assert/strict';
import { CoreV1Api, ListWatch, makeInformer, type V1ConfigMap, type V1ConfigMapList } from '@kubernetes/client-node';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const SPACE = 'cluster1';
const NS = 'default';
const PATH = `/clusters/${SPACE}/api/v1/namespaces/${NS}/configmaps`;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

type Verb = 'add' | 'update' | 'delete';
interface Delivered {
  readonly verb: Verb;
  readonly name: string;
  readonly rv: string;
  readonly phase: string;
}
interface Written {
  readonly verb: Verb;
  readonly name: string;
  readonly rv: string | undefined;
  readonly phase: string;
}

async function waitUntil(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000, stepMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

describe('client-node informer through writes, a 410 relist and a server restart', function () {
  let h: InProcessServer;
  let informer: ListWatch<V1ConfigMap> | undefined;

  after(async () => {
    await informer?.stop();
    await h?.stop();
  });

  it('ends with a cache equal to a fresh list, with no missed or duplicated events', async () => {
    h = await startInProcess();
    const kc = h.kubeConfig(SPACE);
    assert.equal(kc.getCurrentCluster()?.server, `${h.url}/clusters/${SPACE}`);
    const api = kc.makeApiClient(CoreV1Api);

    let phase = 'start';
    let listCalls = 0;
    let listsDone = 0;
    const listFn = async (): Promise<V1ConfigMapList> => {
      listCalls++;
      const list = await api.listNamespacedConfigMap({ namespace: NS });
      listsDone++;
      return list;
    };
    const made = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${NS}/configmaps`, listFn);
    // makeInformer builds a ListWatch; its latestResourceVersion() says where the next watch starts.
    assert.ok(made instanceof ListWatch);
    const inf: ListWatch<V1ConfigMap> = made;
    informer = inf;

    const delivered: Delivered[] = [];
    const record = (verb: Verb) => (obj: V1ConfigMap) =>
      delivered.push({ verb, name: obj.metadata?.name ?? '', rv: obj.metadata?.resourceVersion ?? '', phase });
    inf.on('add', record('add'));
    inf.on('update', record('update'));
    inf.on('delete', record('delete'));
    let connects = 0;
    inf.on('connect', () => connects++);
    // client-node stops on any error other than 410; restart it unless we stopped it on purpose.
    const errors: { phase: string; err: unknown }[] = [];
    let paused = false;
    let finished = false;
    inf.on('error', (err: unknown) => {
      errors.push({ phase, err });
      if (paused || finished) return;
      setTimeout(() => {
        if (!paused && !finished) void inf.start().catch(() => undefined);
      }, 150);
    });

    const written: Written[] = [];
    const write = async (verb: Verb, name: string, body?: unknown): Promise<string | undefined> => {
      let r;
      if (verb === 'add') r = await h.request('POST', PATH, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: (body as Record<string, string>) ?? { v: '0' } } });
      else if (verb === 'update') r = await h.request('PATCH', `${PATH}/${name}`, { body: { data: body }, headers: MERGE });
      else r = await h.request('DELETE', `${PATH}/${name}`);
      assert.ok(r.status >= 200 && r.status < 300, `${verb} ${name}: ${r.status} ${JSON.stringify(r.body)}`);
      // A DELETE answers with a Status, which carries no resourceVersion: deletes match by name.
      const rv = verb === 'delete' ? undefined : String(r.body.metadata.resourceVersion);
      written.push({ verb, name, rv, phase });
      return rv;
    };

    const freshList = async (): Promise<Map<string, string>> => {
      const r = await h.request('GET', PATH);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return new Map((r.body.items as V1ConfigMap[]).map((o) => [o.metadata!.name!, o.metadata!.resourceVersion!]));
    };
    const cacheState = (): Map<string, string> => new Map(inf.list(NS).map((o) => [o.metadata!.name!, o.metadata!.resourceVersion!]));
    const sameMaps = (a: Map<string, string>, b: Map<string, string>): boolean =>
      a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
    const converge = async (what: string): Promise<void> => {
      let fresh = new Map<string, string>();
      try {
        await waitUntil(`the informer cache to equal a fresh list (${what})`, async () => {
          fresh = await freshList();
          return sameMaps(cacheState(), fresh);
        });
      } catch (err) {
        assert.deepEqual(Object.fromEntries(cacheState()), Object.fromEntries(fresh), (err as Error).message);
      }
    };
    /** Every write of a phase in which the watch was live must have been delivered as its own event. */
    const assertAllDelivered = (ph: string): void => {
      const missing = written
        .filter((w) => w.phase === ph)
        .filter((w) => !delivered.some((d) => d.verb === w.verb && d.name === w.name && (w.rv === undefined || d.rv === w.rv)));
      assert.deepEqual(missing, [], `writes of phase "${ph}" the informer did not deliver`);
    };

    // --- phase 1: list, then live writes --------------------------------------------------
    const pre = await write('add', 'pre-existing');
    await inf.start();
    await waitUntil('the initial list', () => listsDone === 1);
    // The namespace also holds kube-root-ca.crt, as every namespace does.
    assert.deepEqual(
      delivered.filter((e) => e.name !== 'kube-root-ca.crt'),
      [{ verb: 'add', name: 'pre-existing', rv: pre, phase: 'start' }],
    );

    phase = 'live';
    for (let i = 0; i < 15; i++) await write('add', `cm-${String(i).padStart(2, '0')}`);
    for (let round = 1; round <= 2; round++) for (let i = 0; i < 5; i++) await write('update', `cm-0${i}`, { v: `live-${round}` });
    for (const i of [10, 11, 12]) await write('delete', `cm-${i}`);
    await write('delete', 'pre-existing');
    await converge('live writes');
    assertAllDelivered('live');
    assert.equal(listCalls, 1, 'no relist while the watch is healthy');

    // --- phase 2: a gap the watch does not see, compacted away → 410 → relist ----------------
    paused = true;
    await inf.stop();
    // The aborted watch reports itself to the error handlers; let that happen before resuming.
    await waitUntil('the stopped watch to report its abort', () => errors.some((e) => e.phase === 'live'), 3000).catch(() => undefined);
    phase = 'gap';
    for (let round = 1; round <= 5; round++) for (let i = 0; i < 5; i++) await write('update', `cm-0${i}`, { v: `gap-${round}` });
    await write('delete', 'cm-01');
    await write('delete', 'cm-13');
    for (let i = 20; i < 25; i++) await write('add', `cm-${i}`);
    await write('update', 'cm-20', { v: 'gap' });
    await write('delete', 'cm-14');
    await write('add', 'cm-14', { v: 'recreated' });
    await write('add', 'gap-only');
    await write('delete', 'gap-only');
    const backend = h.server.backend;
    await backend.compact(backend.currentRevision());
    assert.ok(backend.compactRevision() > Number(inf.latestResourceVersion()), 'history the informer needs is gone');

    // What the informer's next watch will get: HTTP 200 and an in-stream 410 Expired.
    const probe = await h.watchFrames(`${PATH}?watch=true&resourceVersion=${inf.latestResourceVersion()}`, () => false, { timeoutMs: 3000 });
    assert.equal(probe.status, 200);
    assert.deepEqual(
      probe.frames.map((f) => [f.type, f.object?.code, f.object?.reason]),
      [['ERROR', 410, 'Expired']],
    );

    phase = 'relist';
    const listsBefore = listCalls;
    paused = false;
    await inf.start();
    await converge('after the 410 relist');
    assert.equal(listCalls, listsBefore + 1, 'the watch from the compacted resourceVersion made the informer relist exactly once');
    assert.deepEqual(
      errors.filter((e) => e.phase === 'gap' || e.phase === 'relist').map((e) => String(e.err)),
      [],
      'the 410 is not an error for the informer: it arrives in the stream and means relist',
    );
    // The relist delivered the gap's net effect: deletions of vanished objects, adds, final updates.
    const relisted = delivered.filter((d) => d.phase === 'relist');
    for (const gone of ['cm-01', 'cm-13']) assert.ok(relisted.some((d) => d.verb === 'delete' && d.name === gone), `relist deletes ${gone}`);
    for (let i = 20; i < 25; i++) assert.ok(relisted.some((d) => d.verb === 'add' && d.name === `cm-${i}`), `relist adds cm-${i}`);
    assert.ok(!delivered.some((d) => d.name === 'gap-only'), 'an object born and gone inside the gap is never delivered');

    // --- phase 3: server restart on the same data dir and port ------------------------------
    phase = 'restart';
    const lastSeen = Number(inf.latestResourceVersion());
    const connectsBefore = connects;
    const listsBeforeRestart = listCalls;
    await h.restart();
    assert.ok(h.server.backend.currentRevision() >= lastSeen, 'the store kept its revisions across the restart');
    phase = 'after-restart';
    // Written right away: the informer is probably still reconnecting, and must replay these.
    for (let i = 30; i < 35; i++) await write('add', `cm-${i}`);
    await write('update', 'cm-00', { v: 'after-restart' });
    await write('delete', 'cm-02');
    await waitUntil('the informer to reconnect', () => connects > connectsBefore);
    await converge('after the restart');
    // Once it is watching again, more live writes.
    await write('add', 'cm-40');
    await write('update', 'cm-30', { v: 'late' });
    await write('delete', 'cm-31');
    await converge('late writes after the restart');
    assertAllDelivered('after-restart');
    assert.equal(listCalls, listsBeforeRestart, 'history survives the restart: the informer resumes its watch without a relist');
    const unexpected = errors.filter((e) => e.phase !== 'live' && e.phase !== 'restart' && e.phase !== 'after-restart');
    assert.deepEqual(unexpected.map((e) => `${e.phase}: ${String(e.err)}`), [], 'errors only around the deliberate stop and the restart');

    if (process.env['INFORMER_DEBUG']) {
      console.log({ listCalls, connects, errors: errors.map((e) => `${e.phase}: ${String(e.err)}`) });
      console.log(delivered.map((d) => `${d.phase} ${d.verb} ${d.name}@${d.rv}`).join('\n'));
    }
    // --- final: cache vs fresh list, and per-object event consistency ----------------------
    finished = true;
    const fresh = await freshList();
    assert.deepEqual(Object.fromEntries(cacheState()), Object.fromEntries(fresh), 'cache == fresh list (names and resourceVersions)');

    const seen = new Set<string>();
    const state = new Map<string, string>(); // name → rv while present
    const lastRv = new Map<string, number>();
    for (const d of delivered) {
      const key = `${d.verb} ${d.name}@${d.rv}`;
      assert.ok(!seen.has(key), `event delivered twice: ${key}`);
      seen.add(key);
      const rv = Number(d.rv);
      assert.ok(Number.isSafeInteger(rv) && rv > 0, `event with a usable resourceVersion: ${key}`);
      const current = state.get(d.name);
      if (d.verb === 'add') {
        assert.equal(current, undefined, `add of an object already present: ${key}`);
      } else {
        assert.notEqual(current, undefined, `${d.verb} of an object never added: ${key}`);
      }
      if (d.verb === 'update') assert.notEqual(current, d.rv, `update repeating the current resourceVersion: ${key}`);
      if (d.verb === 'delete') {
        assert.ok(rv >= Number(current), `delete older than the state it removes: ${key}`);
        state.delete(d.name);
      } else {
        assert.ok(rv > (lastRv.get(d.name) ?? 0), `resourceVersion going backwards for ${d.name}: ${key}`);
        state.set(d.name, d.rv);
      }
      lastRv.set(d.name, Math.max(lastRv.get(d.name) ?? 0, rv));
    }
    assert.deepEqual(Object.fromEntries(state), Object.fromEntries(fresh), 'replaying the delivered events gives the fresh list');
  });
});
