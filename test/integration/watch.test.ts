/**
 * Watch semantics over the real socket (wire-formats §6, client-surface §6.2): NDJSON frames in
 * order with increasing resourceVersions, selector transitions, replay from an old
 * resourceVersion, the in-stream 410 after compaction, bookmarks, WatchList's initial-events-end
 * bookmark, timeoutSeconds, and Table watches.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { startInProcess, type InProcessServer, type WatchFrame } from '../helpers/in-process.js';

const SPACE = '/clusters/cluster1';
/** Short enough to see bookmarks without waiting for the 60 s default. */
const BOOKMARK_MS = 300;
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

let nsCounter = 0;

describe('watch over TLS', function () {
  let h: InProcessServer;

  before(async () => {
    h = await startInProcess({ bookmarkIntervalMs: BOOKMARK_MS });
  });

  after(async () => {
    await h?.stop();
  });

  /** A fresh namespace per test, and its configmaps collection path. */
  async function freshNamespace(): Promise<string> {
    const name = `watch-${++nsCounter}`;
    const r = await h.request('POST', `${SPACE}/api/v1/namespaces`, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    // Every namespace gets the kube-root-ca.crt ConfigMap soon after it is created (as in kube);
    // wait for it so it is part of the namespace's starting state, not a live event.
    await waitForRootCa(`${SPACE}/api/v1/namespaces/${name}/configmaps/kube-root-ca.crt`);
    return `${SPACE}/api/v1/namespaces/${name}/configmaps`;
  }

  const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { v: '0' }) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels },
    data,
  });

  async function listRv(path: string): Promise<string> {
    const r = await h.request('GET', path);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.metadata.resourceVersion as string;
  }

  /**
   * The resourceVersion a write answered with; undefined for a DELETE, which kube answers with a
   * Status that carries none (the deletion's revision is only seen in the DELETED event).
   */
  async function write(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<string | undefined> {
    const r = await h.request(method, path, { ...(body !== undefined && { body }), ...(headers && { headers }) });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    if (method === 'DELETE') {
      assert.equal(r.body.kind, 'Status');
      return undefined;
    }
    return r.body.metadata.resourceVersion as string;
  }

  async function waitForRootCa(path: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await h.request('GET', path)).status === 200) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.fail(`${path} never appeared`);
  }

  /** The test's own objects: every namespace also holds kube-root-ca.crt, which tests ignore. */
  const own = (frames: readonly WatchFrame[]) =>
    frames.filter((f) => f.object?.metadata?.name !== 'kube-root-ca.crt' && !isRootCaRow(f));
  const isRootCaRow = (f: WatchFrame): boolean =>
    (f.object as { rows?: { object?: { metadata?: { name?: string } } }[] } | undefined)?.rows?.[0]?.object?.metadata?.name === 'kube-root-ca.crt';
  const events = (frames: readonly WatchFrame[]) => own(frames).filter((f) => f.type !== 'BOOKMARK');
  const summary = (frames: readonly WatchFrame[]) =>
    own(frames).map((f) => `${f.type} ${f.object?.metadata?.name ?? ''}@${f.object?.metadata?.resourceVersion ?? ''}`);

  it('streams ADDED, MODIFIED, DELETED in order, one JSON object per line, with increasing resourceVersions', async () => {
    const path = await freshNamespace();
    const rv0 = await listRv(path);
    const w = await h.openWatch(`${path}?watch=true&resourceVersion=${rv0}`);
    assert.equal(w.status, 200);
    assert.match(String(w.headers['content-type']), /^application\/json\b/);
    assert.equal(w.headers['transfer-encoding'], 'chunked');

    const rvs: (string | undefined)[] = [];
    rvs.push(await write('POST', path, cm('a')));
    rvs.push(await write('POST', path, cm('b')));
    const current = (await h.request('GET', `${path}/a`)).body;
    rvs.push(await write('PUT', `${path}/a`, { ...current, data: { v: '1' } }));
    rvs.push(await write('PATCH', `${path}/b`, { data: { v: '2' } }, MERGE));
    rvs.push(await write('DELETE', `${path}/a`));

    const frames = await w.waitFor((f) => events(f).length >= 5);
    w.close();
    const evs = events(frames);
    assert.deepEqual(
      evs.map((f) => [f.type, f.object.metadata.name]),
      [
        ['ADDED', 'a'],
        ['ADDED', 'b'],
        ['MODIFIED', 'a'],
        ['MODIFIED', 'b'],
        ['DELETED', 'a'],
      ],
      summary(frames).join(', '),
    );
    const seen = evs.map((f) => f.object.metadata.resourceVersion as string);
    assert.deepEqual(
      seen.map((rv, i) => (rvs[i] === undefined ? undefined : rv)),
      rvs,
      'each frame carries the resourceVersion of its write',
    );
    const numeric = seen.map(Number);
    for (let i = 1; i < numeric.length; i++) assert.ok(numeric[i]! > numeric[i - 1]!, `resourceVersions increase: ${seen.join(',')}`);
    for (const f of evs) {
      assert.equal(f.object.kind, 'ConfigMap');
      assert.equal(f.object.apiVersion, 'v1');
    }
    assert.deepEqual(evs[2]!.object.data, { v: '1' });
    assert.deepEqual(evs[3]!.object.data, { v: '2' });
    assert.deepEqual(evs[4]!.object.data, { v: '1' }, 'DELETED carries the last state');
  });

  it('without a resourceVersion, existing objects come first as ADDED, then live changes', async () => {
    const path = await freshNamespace();
    await write('POST', path, cm('pre-1'));
    await write('POST', path, cm('pre-2'));
    const w = await h.openWatch(`${path}?watch=true`);
    await w.waitFor((f) => events(f).length >= 2);
    const rv = await write('POST', path, cm('live'));
    const frames = await w.waitFor((f) => events(f).length >= 3);
    w.close();
    const evs = events(frames);
    assert.deepEqual(new Set(evs.slice(0, 2).map((f) => `${f.type} ${f.object.metadata.name}`)), new Set(['ADDED pre-1', 'ADDED pre-2']));
    assert.equal(evs[2]!.type, 'ADDED');
    assert.equal(evs[2]!.object.metadata.name, 'live');
    assert.equal(evs[2]!.object.metadata.resourceVersion, rv);
  });

  it('a label-selector watch turns a relabel away into DELETED and back into ADDED', async () => {
    const path = await freshNamespace();
    const rv0 = await listRv(path);
    const w = await h.openWatch(`${path}?watch=true&resourceVersion=${rv0}&labelSelector=${encodeURIComponent('app=web')}`);
    const created = await write('POST', path, cm('x', { app: 'web' }));
    await write('POST', path, cm('other', { app: 'db' }));
    const away = await write('PATCH', `${path}/x`, { metadata: { labels: { app: 'db' } } }, MERGE);
    await write('PATCH', `${path}/x`, { data: { v: 'unseen' } }, MERGE);
    const back = await write('PATCH', `${path}/x`, { metadata: { labels: { app: 'web' } } }, MERGE);
    const frames = await w.waitFor((f) => events(f).length >= 3);
    // Give a stray event for "other" or the unseen update a moment to show up.
    await new Promise((r) => setTimeout(r, 200));
    w.close();
    const evs = events(w.frames);
    assert.deepEqual(
      evs.map((f) => `${f.type} ${f.object.metadata.name}@${f.object.metadata.resourceVersion}`),
      [`ADDED x@${created}`, `DELETED x@${away}`, `ADDED x@${back}`],
      summary(frames).join(', '),
    );
    assert.deepEqual(evs[1]!.object.metadata.labels, { app: 'web' }, 'the DELETED object is the last state that matched');
  });

  it('resourceVersion=<old> replays exactly the changes after it, in order', async () => {
    const path = await freshNamespace();
    const first = await write('POST', path, cm('r1'));
    const later = [
      ['ADDED', 'r2', await write('POST', path, cm('r2'))],
      ['MODIFIED', 'r1', await write('PATCH', `${path}/r1`, { data: { v: '9' } }, MERGE)],
      ['DELETED', 'r2', await write('DELETE', `${path}/r2`)],
      ['ADDED', 'r3', await write('POST', path, cm('r3'))],
    ];
    const w = await h.openWatch(`${path}?watch=true&resourceVersion=${first}`);
    const frames = await w.waitFor((f) => events(f).length >= later.length);
    await new Promise((r) => setTimeout(r, 100));
    w.close();
    const replayed = events(w.frames).map((f) => [f.type, f.object.metadata.name, f.object.metadata.resourceVersion as string]);
    assert.deepEqual(
      replayed.map(([type, name, rv], i) => [type, name, later[i]?.[2] === undefined ? undefined : rv]),
      later,
      summary(frames).join(', '),
    );
    const numeric = replayed.map(([, , rv]) => Number(rv));
    for (let i = 1; i < numeric.length; i++) assert.ok(numeric[i]! > numeric[i - 1]!, `resourceVersions increase: ${numeric.join(',')}`);
  });

  it('a replay of 300 changes written in one turn arrives whole and in order', async () => {
    // More frames than the handler thread sends the front thread in one message (front.ts FLUSH_AT).
    const path = await freshNamespace();
    const first = await write('POST', path, cm('m0'));
    const names: string[] = [];
    for (let i = 1; i <= 300; i++) {
      names.push(`m${i}`);
      await write('POST', path, cm(`m${i}`));
    }
    const w = await h.openWatch(`${path}?watch=true&resourceVersion=${first}`);
    await w.waitFor((f) => events(f).length >= names.length);
    w.close();
    assert.deepEqual(
      events(w.frames).map((f) => `${f.type} ${f.object.metadata.name}`),
      names.map((n) => `ADDED ${n}`),
    );
  });

  it('after compaction past the requested resourceVersion: HTTP 200, one ERROR frame with 410 Expired, end of stream', async () => {
    const path = await freshNamespace();
    const old = await write('POST', path, cm('c0'));
    for (let i = 1; i <= 5; i++) await write('PATCH', `${path}/c0`, { data: { v: String(i) } }, MERGE);
    const compactAt = h.server.backend.currentRevision();
    await h.server.backend.compact(compactAt);

    const r = await h.watchFrames(`${path}?watch=true&resourceVersion=${old}`, () => false, { timeoutMs: 5000 });
    assert.equal(r.status, 200);
    assert.equal(r.endedBy, 'end', 'the server ends the stream after the ERROR frame');
    assert.equal(r.frames.length, 1, summary(r.frames).join(', '));
    const [frame] = r.frames;
    assert.equal(frame!.type, 'ERROR');
    assert.equal(frame!.object.kind, 'Status');
    assert.equal(frame!.object.status, 'Failure');
    assert.equal(frame!.object.code, 410);
    assert.equal(frame!.object.reason, 'Expired');

    // Watching from the compaction point itself still works.
    const w = await h.openWatch(`${path}?watch=true&resourceVersion=${compactAt}`);
    const rv = await write('PATCH', `${path}/c0`, { data: { v: 'after' } }, MERGE);
    const frames = await w.waitFor((f) => events(f).length >= 1);
    w.close();
    assert.deepEqual(
      events(frames).map((f) => [f.type, f.object.metadata.resourceVersion]),
      [['MODIFIED', rv]],
    );
  });

  it('allowWatchBookmarks=true sends BOOKMARKs of the watched kind whose resourceVersion never goes back', async () => {
    const path = await freshNamespace();
    const rv0 = await listRv(path);
    const w = await h.openWatch(`${path}?watch=true&resourceVersion=${rv0}&allowWatchBookmarks=true`);
    await w.waitFor((f) => f.some((x) => x.type === 'BOOKMARK'), 5000);
    const rv = await write('POST', path, cm('bm'));
    const frames = await w.waitFor((f) => f.findIndex((x) => x.type === 'ADDED') >= 0 && f.slice(f.findIndex((x) => x.type === 'ADDED')).some((x) => x.type === 'BOOKMARK'), 5000);
    w.close();
    const bookmarks = frames.filter((f) => f.type === 'BOOKMARK');
    for (const b of bookmarks) {
      assert.equal(b.object.kind, 'ConfigMap');
      assert.equal(b.object.apiVersion, 'v1');
      assert.match(String(b.object.metadata.resourceVersion), /^[1-9][0-9]*$/);
    }
    let last = 0;
    for (const f of frames) {
      const n = Number(f.object.metadata.resourceVersion);
      assert.ok(n >= last, `resourceVersions never go back: ${summary(frames).join(', ')}`);
      last = n;
    }
    const afterAdd = frames.slice(frames.findIndex((x) => x.type === 'ADDED')).filter((f) => f.type === 'BOOKMARK');
    assert.ok(Number(afterAdd[0]!.object.metadata.resourceVersion) >= Number(rv));
  });

  it('allowWatchBookmarks=true: a BOOKMARK 2 s before timeoutSeconds ends the watch', async () => {
    const path = await freshNamespace();
    const rv0 = await listRv(path);
    const started = Date.now();
    const r = await h.watchFrames(`${path}?watch=true&resourceVersion=${rv0}&allowWatchBookmarks=true&timeoutSeconds=3`, () => false, { timeoutMs: 10_000 });
    assert.equal(r.endedBy, 'end');
    const bookmarks = r.frames.filter((f) => f.type === 'BOOKMARK');
    assert.ok(bookmarks.length >= 1, summary(r.frames).join(', '));
    assert.ok(Date.now() - started >= 2900);
  });

  it('a timeoutSeconds beyond what a timer holds (about 24.8 days) keeps the watch open', async () => {
    const path = await freshNamespace();
    const rv0 = await listRv(path);
    const watching = h.watchFrames(`${path}?watch=true&resourceVersion=${rv0}&timeoutSeconds=9999999999`, (f) => f.type === 'ADDED', { timeoutMs: 5_000 });
    await new Promise((r) => setTimeout(r, 200));
    await write('POST', path, cm('long'));
    const r = await watching;
    assert.equal(r.endedBy, 'until', summary(r.frames).join(', '));
    assert.deepEqual(own(r.frames).map((f) => `${f.type} ${f.object?.metadata?.name}`), ['ADDED long']);
  });

  it('a metadata-only watch gets its bookmarks as PartialObjectMetadata, the initial-events-end one included', async () => {
    const path = await freshNamespace();
    const r = await h.watchFrames(
      `${path}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
      (f) => f.type === 'BOOKMARK',
      { headers: { Accept: 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io' } },
    );
    const b = r.frames.find((f) => f.type === 'BOOKMARK');
    assert.equal(b?.object.kind, 'PartialObjectMetadata');
    assert.equal(b?.object.apiVersion, 'meta.k8s.io/v1');
    assert.equal(b?.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  });

  it('sendInitialEvents without allowWatchBookmarks: the initial ADDED events, and no bookmark', async () => {
    const path = await freshNamespace();
    const r = await h.watchFrames(`${path}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`, () => false, { timeoutMs: 1500 });
    assert.ok(r.frames.some((f) => f.type === 'ADDED'), summary(r.frames).join(', '));
    assert.deepEqual(r.frames.filter((f) => f.type === 'BOOKMARK'), []);
  });

  it('a quiet watch bookmarks the progress made elsewhere, so it can resume after it (as the watch cache RV)', async () => {
    const quiet = await freshNamespace();
    const busy = await freshNamespace();
    const rv0 = await listRv(quiet);
    const w = await h.openWatch(`${quiet}?watch=true&resourceVersion=${rv0}&allowWatchBookmarks=true`);
    let last = '';
    for (let i = 0; i < 3; i++) last = (await write('POST', busy, cm(`elsewhere-${i}`)))!;
    const frames = await w.waitFor((f) => f.some((x) => x.type === 'BOOKMARK' && Number(x.object.metadata.resourceVersion) >= Number(last)), 5000);
    w.close();
    assert.deepEqual(frames.filter((f) => f.type !== 'BOOKMARK'), [], 'nothing happened in the watched namespace');
    // Resuming from the bookmark sees what happens next in the quiet namespace, and nothing before.
    const bm = frames.filter((f) => f.type === 'BOOKMARK').at(-1)!.object.metadata.resourceVersion;
    const rv = await write('POST', quiet, cm('later'));
    const again = await h.watchFrames(`${quiet}?watch=true&resourceVersion=${bm}`, (f) => f.type === 'ADDED');
    assert.deepEqual(again.frames.map((f) => [f.type, f.object.metadata.name, f.object.metadata.resourceVersion]), [['ADDED', 'later', rv]]);
  });

  it('without allowWatchBookmarks there are no BOOKMARK frames', async () => {
    const path = await freshNamespace();
    const rv0 = await listRv(path);
    const r = await h.watchFrames(`${path}?watch=true&resourceVersion=${rv0}`, () => false, { timeoutMs: BOOKMARK_MS * 3 });
    assert.equal(r.endedBy, 'timeout');
    assert.deepEqual(r.frames, []);
  });

  it('sendInitialEvents=true&resourceVersionMatch=NotOlderThan: ADDED for each object, then the initial-events-end bookmark, then live events', async () => {
    const path = await freshNamespace();
    const rvs = new Map<string, string>();
    for (const name of ['i1', 'i2', 'i3']) rvs.set(name, (await write('POST', path, cm(name)))!);
    const w = await h.openWatch(`${path}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    assert.equal(w.status, 200);
    await w.waitFor((f) => f.some((x) => x.type === 'BOOKMARK'));
    const live = await write('POST', path, cm('i4'));
    const frames = await w.waitFor((f) => f.some((x) => x.type === 'ADDED' && x.object.metadata.name === 'i4'));
    w.close();
    const endIndex = frames.findIndex((f) => f.type === 'BOOKMARK');
    assert.deepEqual(frames.slice(0, endIndex).map((f) => f.type), ['ADDED', 'ADDED', 'ADDED', 'ADDED'], 'three objects and kube-root-ca.crt');
    const initial = own(frames.slice(0, endIndex));
    assert.deepEqual(initial.map((f) => f.type), ['ADDED', 'ADDED', 'ADDED'], summary(frames).join(', '));
    assert.deepEqual(new Map(initial.map((f) => [f.object.metadata.name, f.object.metadata.resourceVersion])), rvs);
    const end = frames[endIndex]!;
    assert.equal(end.object.kind, 'ConfigMap');
    assert.equal(end.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
    const endRv = Number(end.object.metadata.resourceVersion);
    for (const rv of rvs.values()) assert.ok(endRv >= Number(rv), 'the end bookmark is at or after every initial object');
    const marked = frames.filter((f) => f.object?.metadata?.annotations?.['k8s.io/initial-events-end'] === 'true');
    assert.equal(marked.length, 1, 'exactly one initial-events-end bookmark');
    const after = events(frames.slice(endIndex + 1));
    assert.deepEqual(after.map((f) => [f.type, f.object.metadata.name, f.object.metadata.resourceVersion]), [['ADDED', 'i4', live]]);
  });

  it('sendInitialEvents=true on a new namespace sends its kube-root-ca.crt, then the end bookmark', async () => {
    const path = await freshNamespace();
    const r = await h.watchFrames(`${path}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`, (f) => f.type === 'BOOKMARK');
    assert.equal(r.endedBy, 'until');
    assert.deepEqual(r.frames.map((f) => `${f.type} ${f.object?.metadata?.name ?? ''}`), ['ADDED kube-root-ca.crt', 'BOOKMARK ']);
    const end = r.frames[1]!;
    assert.equal(end.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
    assert.match(String(end.object.metadata.resourceVersion), /^[1-9][0-9]*$/);
  });

  it('a client that stops reading is paused, not dropped: once it reads again it gets every event, in order', async function () {
    this.timeout(60_000);
    const path = await freshNamespace();
    const rv0 = await listRv(path);
    const kc = h.kubeConfig('cluster1');
    const decode = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString('utf8');
    const url = new URL(`${path}?watch=true&resourceVersion=${rv0}`, h.url);
    const req = httpsRequest({
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      ca: decode(kc.getCurrentCluster()?.caData),
      cert: decode(kc.getCurrentUser()?.certData),
      key: decode(kc.getCurrentUser()?.keyData),
    });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', reject);
      req.end();
    });
    assert.equal(res.statusCode, 200);
    res.pause();
    // About 25 MiB of events: far more than the socket buffers hold, so the server has to hold
    // this stream back (well under the store's per-watcher bound of 10,000 events).
    const count = 400;
    const payload = 'x'.repeat(64 * 1024);
    for (let i = 0; i < count; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => write('POST', path, cm(`big-${i + j}`, {}, { v: payload }))));
    }
    const frames: { type: string; name: string; rv: number }[] = [];
    let buffered = '';
    const complete = new Promise<void>((resolve, reject) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const f = JSON.parse(buffered.slice(0, nl)) as WatchFrame;
          buffered = buffered.slice(nl + 1);
          const name = f.object?.metadata?.name as string;
          if (name.startsWith('big-')) frames.push({ type: f.type, name, rv: Number(f.object.metadata.resourceVersion) });
          if (frames.length === count) resolve();
        }
      });
      res.on('end', () => reject(new Error(`the stream ended after ${frames.length} of ${count} events`)));
    });
    res.resume();
    await complete;
    req.destroy();
    assert.deepEqual(
      frames.map((f) => `${f.type} ${f.name}`).sort(),
      Array.from({ length: count }, (_, i) => `ADDED big-${i}`).sort(),
    );
    for (let i = 1; i < frames.length; i++) assert.ok(frames[i]!.rv > frames[i - 1]!.rv, `resourceVersions increase at ${i}`);
  });

  it('timeoutSeconds=1 ends the stream cleanly after about a second', async () => {
    const path = await freshNamespace();
    const rv0 = await listRv(path);
    const started = Date.now();
    const w = await h.openWatch(`${path}?watch=true&resourceVersion=${rv0}&timeoutSeconds=1`);
    let timer: NodeJS.Timeout | undefined;
    const clean = await Promise.race([w.ended, new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), 5000)))]);
    clearTimeout(timer);
    const elapsed = Date.now() - started;
    w.close();
    assert.equal(clean, true, 'the server ends the response (final chunk), not an abort');
    assert.ok(elapsed >= 900 && elapsed < 3000, `ended after ${elapsed} ms`);
    assert.deepEqual(w.frames, []);
  });

  it('a Table watch sends columnDefinitions only in the first frame, one row per frame', async () => {
    const path = await freshNamespace();
    await write('POST', path, cm('t1'));
    const w = await h.openWatch(`${path}?watch=true`, { headers: { Accept: TABLE_ACCEPT } });
    assert.equal(w.status, 200);
    await w.waitFor((f) => f.length >= 1);
    const rv2 = await write('POST', path, cm('t2', {}, { a: '1', b: '2' }));
    await write('PATCH', `${path}/t1`, { data: { v: '1' } }, MERGE);
    const all = await w.waitFor((f) => own(f).length >= 3);
    w.close();
    const frames = own(all);
    assert.deepEqual(frames.map((f) => f.type), ['ADDED', 'ADDED', 'MODIFIED']);
    all.forEach((f, i) => {
      assert.equal(f.object.kind, 'Table');
      assert.equal(f.object.apiVersion, 'meta.k8s.io/v1');
      assert.equal(f.object.rows.length, 1);
      if (i === 0) {
        assert.ok(Array.isArray(f.object.columnDefinitions) && f.object.columnDefinitions.length > 0);
        assert.equal(f.object.columnDefinitions[0].name, 'Name');
      } else {
        assert.ok('columnDefinitions' in f.object, 'columnDefinitions is serialized (null), not omitted');
        assert.equal(f.object.columnDefinitions, null);
      }
    });
    assert.equal(frames[1]!.object.rows[0].cells[0], 't2');
    assert.equal(frames[1]!.object.rows[0].object.kind, 'PartialObjectMetadata');
    assert.equal(frames[1]!.object.rows[0].object.metadata.resourceVersion, rv2);
    assert.equal(frames[1]!.object.metadata.resourceVersion, rv2);
  });
});
