/**
 * The etcd backend's shared watch against a scripted etcd watch client: what a live etcd cannot
 * easily be made to do on cue (compact while the stream is down, stay away, send progress).
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { WatchClient } from 'etcd3';
import { isStorageError, type WatchEvent } from '../../../storage/index.js';
import { EventWindow, WatchCache } from '../../../storage/etcd/cache.js';
import { Keyspace } from '../../../storage/etcd/keyspace.js';

const PREFIX = '/p';

/** One scripted watch stream: records the create request; the test answers through `send`. */
class FakeStream extends EventEmitter {
  request: { start_revision?: number } | undefined;
  cancelled = false;
  write(req: { create_request: { start_revision?: number } }): void {
    this.request = req.create_request;
  }
  end(): void {}
  cancel(): void {
    this.cancelled = true;
  }
  send(res: Record<string, unknown>): void {
    this.emit('data', { header: { revision: '0' }, created: false, canceled: false, compact_revision: '0', events: [], ...res });
  }
  created(revision: number): void {
    this.send({ header: { revision: String(revision) }, created: true });
  }
  /** Puts of `/p<key>` at consecutive revisions from `from`, one response. */
  puts(from: number, keys: string[]): void {
    const events = keys.map((key, i) => ({
      type: 'Put',
      kv: { key: Buffer.from(PREFIX + key), value: Buffer.from(`v${from + i}`), create_revision: String(from + i), mod_revision: String(from + i), version: '1' },
    }));
    this.send({ header: { revision: String(from + keys.length - 1) }, events });
  }
}

class FakeClient {
  readonly streams: FakeStream[] = [];
  watch(): Promise<FakeStream> {
    const s = new FakeStream();
    this.streams.push(s);
    return Promise.resolve(s);
  }
  /** The next stream, once the channel has opened it and sent its create request. */
  async next(count: number): Promise<FakeStream> {
    for (const deadline = Date.now() + 2000; Date.now() < deadline; ) {
      const s = this.streams[count - 1];
      if (s?.request) return s;
      await new Promise((r) => setTimeout(r, 1));
    }
    throw new Error(`stream ${count} was not opened`);
  }
}

function cache(client: FakeClient, after: number, options: { windowEvents?: number; retryForMs?: number; maxQueuedEvents?: number } = {}) {
  const seen = { revision: after, compacted: 0 };
  const streams = { open: 0 };
  const c = new WatchCache(
    {
      client: client as unknown as WatchClient,
      keyspace: new Keyspace(PREFIX),
      windowEvents: options.windowEvents ?? 100,
      maxQueuedEvents: options.maxQueuedEvents ?? 100,
      retryForMs: options.retryForMs ?? 5000,
      streams,
      onRevision: (r) => (seen.revision = Math.max(seen.revision, r)),
      onCompacted: (r) => (seen.compacted = Math.max(seen.compacted, r)),
    },
    after,
  );
  return { c, seen, streams };
}

const revs = (events: WatchEvent[]): number[] => events.map((e) => e.kv.modRevision);

describe('etcd shared watch (WatchCache)', () => {
  let opened: WatchCache[] = [];
  afterEach(() => {
    for (const c of opened) c.close();
    opened = [];
  });
  const make = (...args: Parameters<typeof cache>): ReturnType<typeof cache> => {
    const made = cache(...args);
    opened.push(made.c);
    return made;
  };

  it('follows the prefix from the revision after the one it was given, on one stream', async () => {
    const client = new FakeClient();
    const { c, streams } = make(client, 10);
    const s = await client.next(1);
    assert.equal(s.request?.start_revision, 11);
    s.created(10);
    await c.ready;
    assert.equal(streams.open, 1);
    const watches = Array.from({ length: 5 }, () => c.watch('/', 11, undefined)!);
    s.puts(11, ['/a', '/b']);
    for (const w of watches) {
      const it = w[Symbol.asyncIterator]();
      assert.deepEqual(revs((await it.next()).value as WatchEvent[]), [11, 12]);
    }
    assert.equal(client.streams.length, 1);
    assert.equal(c.watchers, 5);
  });

  it('replays from the window and continues live without a gap or duplicate', async () => {
    const client = new FakeClient();
    const { c } = make(client, 10);
    const s = await client.next(1);
    s.created(10);
    s.puts(11, ['/a', '/x/1', '/b']);
    s.puts(14, ['/x/2']);
    const w = c.watch('/x/', 12, undefined)!;
    s.puts(15, ['/x/3', '/c']);
    const got: number[] = [];
    for await (const batch of w) {
      got.push(...revs(batch));
      if (got.length >= 3) break;
    }
    assert.deepEqual(got, [12, 14, 15]);
  });

  it('delivers only events at or after a start in the future', async () => {
    const client = new FakeClient();
    const { c } = make(client, 10);
    const s = await client.next(1);
    s.created(10);
    const w = c.watch('/', 13, undefined)!;
    s.puts(11, ['/a', '/b', '/c', '/d']);
    const it = w[Symbol.asyncIterator]();
    assert.deepEqual(revs((await it.next()).value as WatchEvent[]), [13, 14]);
  });

  it('keeps a bounded window of whole revisions and leaves older starts to the caller', async () => {
    const client = new FakeClient();
    const { c } = make(client, 10, { windowEvents: 3 });
    const s = await client.next(1);
    s.created(10);
    s.puts(11, ['/a', '/b', '/c', '/d', '/e']);
    assert.equal(c.windowStart, 12);
    assert.equal(c.watch('/', 12, undefined), undefined, 'at or before the window start: not here');
    const w = c.watch('/', 13, undefined)!;
    const it = w[Symbol.asyncIterator]();
    assert.deepEqual(revs((await it.next()).value as WatchEvent[]), [13, 14, 15]);
    w.close();
  });

  it('ignores private records but learns the compact revision from them', async () => {
    const client = new FakeClient();
    const keys = new Keyspace(PREFIX);
    const { c, seen } = make(client, 10);
    const s = await client.next(1);
    s.created(10);
    const w = c.watch('/', 11, undefined)!;
    s.send({
      header: { revision: '12' },
      events: [
        { type: 'Put', kv: { key: keys.compactKey, value: Buffer.from('9'), create_revision: '11', mod_revision: '11', version: '1' } },
        { type: 'Put', kv: { key: Buffer.from(`${PREFIX}/a`), value: Buffer.from('x'), create_revision: '12', mod_revision: '12', version: '1' } },
      ],
    });
    const it = w[Symbol.asyncIterator]();
    const batch = (await it.next()).value as WatchEvent[];
    assert.deepEqual(batch.map((e) => e.kv.key), ['/a']);
    assert.equal(seen.compacted, 9);
    assert.equal(seen.revision, 12);
  });

  it('counts progress notifications as delivered revisions', async () => {
    const client = new FakeClient();
    const { c, seen } = make(client, 10, { windowEvents: 0 });
    const s = await client.next(1);
    s.created(10);
    s.send({ header: { revision: '30' } });
    assert.equal(seen.revision, 30);
    // Nothing held, and nothing under the prefix happened in between: a start at 31 is served.
    const w = c.watch('/', 31, undefined);
    assert.ok(w);
    w.close();
  });

  it('resumes a broken stream after the last delivered revision, keeping its watchers', async () => {
    const client = new FakeClient();
    const { c } = make(client, 10);
    const first = await client.next(1);
    first.created(10);
    const w = c.watch('/', 11, undefined)!;
    first.puts(11, ['/a']);
    first.emit('error', new Error('14 UNAVAILABLE: connection reset'));
    const second = await client.next(2);
    assert.equal(second.request?.start_revision, 12);
    second.created(12);
    second.puts(12, ['/b']);
    const got: number[] = [];
    for await (const batch of w) {
      got.push(...revs(batch));
      if (got.length >= 2) break;
    }
    assert.deepEqual(got, [11, 12]);
  });

  it('ends its watchers with WatcherTooSlow at their last revision when the source falls behind a compaction, and starts over', async () => {
    const client = new FakeClient();
    const { c, seen } = make(client, 10);
    const first = await client.next(1);
    first.created(10);
    const w = c.watch('/', 11, undefined)!;
    const it = w[Symbol.asyncIterator]();
    first.puts(11, ['/a', '/b']);
    assert.deepEqual(revs((await it.next()).value as WatchEvent[]), [11, 12]);
    first.emit('error', new Error('14 UNAVAILABLE: connection reset'));
    const second = await client.next(2);
    assert.equal(second.request?.start_revision, 13);
    second.send({ header: { revision: '40' }, created: true, canceled: true, compact_revision: '30' });
    await it.next().then(
      () => assert.fail('expected WatcherTooSlow'),
      (e: unknown) => assert.ok(isStorageError(e, 'WatcherTooSlow') && e.revision === 12, String(e)),
    );
    assert.equal(seen.compacted, 30);
    assert.equal(c.watchers, 0);
    // It starts over from what is left; a resume from 13 is no longer its to serve.
    const third = await client.next(3);
    assert.equal(third.request?.start_revision, 30);
    assert.equal(c.windowStart, 29);
    assert.equal(c.watch('/', 13, undefined), undefined);
    const fresh = c.watch('/', 30, undefined)!;
    third.created(40);
    third.puts(30, ['/c']);
    assert.deepEqual(revs((await fresh[Symbol.asyncIterator]().next()).value as WatchEvent[]), [30]);
  });

  it('ends its watchers with Unavailable once etcd has been away for the retry budget, and serves again when it is back', async () => {
    const client = new FakeClient();
    const { c } = make(client, 10, { retryForMs: 60 });
    const first = await client.next(1);
    first.created(10);
    const w = c.watch('/', 11, undefined)!;
    const it = w[Symbol.asyncIterator]();
    const failed = it.next();
    // etcd refuses every new stream.
    let n = 1;
    client.streams[0]!.emit('error', new Error('14 UNAVAILABLE: connection refused'));
    const refuse = setInterval(() => {
      for (; n < client.streams.length; n++) {
        const s = client.streams[n]!;
        setImmediate(() => s.emit('error', new Error('14 UNAVAILABLE: connection refused')));
      }
    }, 1);
    try {
      await failed.then(
        () => assert.fail('expected Unavailable'),
        (e: unknown) => assert.ok(isStorageError(e, 'Unavailable'), String(e)),
      );
    } finally {
      clearInterval(refuse);
    }
    // Back: the source resumes where it was, and a watch from there is served without a gap.
    const resumed = await client.next(client.streams.length + 1);
    assert.equal(resumed.request?.start_revision, 11);
    const again = c.watch('/', 11, undefined)!;
    resumed.created(11);
    resumed.puts(11, ['/a']);
    assert.deepEqual(revs((await again[Symbol.asyncIterator]().next()).value as WatchEvent[]), [11]);
  });

  it('ends only the watcher that overflows', async () => {
    const client = new FakeClient();
    const { c } = make(client, 10, { maxQueuedEvents: 2 });
    const s = await client.next(1);
    s.created(10);
    const stalled = c.watch('/', 11, undefined)![Symbol.asyncIterator]();
    const healthy = c.watch('/', 11, undefined)!;
    const got: number[] = [];
    const reading = (async () => {
      for await (const batch of healthy) {
        got.push(...revs(batch));
        if (got.length >= 5) break;
      }
    })();
    for (let r = 11; r <= 15; r++) {
      s.puts(r, [`/k${r}`]);
      await new Promise((res) => setImmediate(res));
    }
    await reading;
    assert.deepEqual(got, [11, 12, 13, 14, 15]);
    await stalled.next().then(
      () => assert.fail('expected WatcherTooSlow'),
      (e: unknown) => assert.ok(isStorageError(e, 'WatcherTooSlow') && e.revision === 10, String(e)),
    );
  });
});

describe('EventWindow', () => {
  const ev = (rev: number, key: string): WatchEvent => ({
    type: 'put',
    kv: { key, value: new Uint8Array(0), createRevision: rev, modRevision: rev, version: 1 },
  });

  it('evicts whole revisions and replays in chunks that never split one', () => {
    const w = new EventWindow(2500, 0);
    const events: WatchEvent[] = [];
    for (let r = 1; r <= 1000; r++) for (let k = 0; k < 3; k++) events.push(ev(r, `/k${k}`));
    w.append(events, 1000);
    assert.equal(w.start, 167, 'revisions 1..167 (501 events) went whole');
    assert.equal(w.size, 2499);
    const chunks = w.since('', 168);
    assert.equal(chunks.flat().length, 2499);
    for (let i = 1; i < chunks.length; i++) {
      assert.ok(chunks[i]![0]!.kv.modRevision > chunks[i - 1]!.at(-1)!.kv.modRevision, 'a chunk boundary is a revision boundary');
    }
    assert.deepEqual(w.since('/k1', 999).flat().map((e) => e.kv.modRevision), [999, 1000]);
    assert.deepEqual(w.since('', 1001), []);
  });

  it('stays bounded over a long run', () => {
    const w = new EventWindow(100, 0);
    for (let r = 1; r <= 100_000; r++) w.append([ev(r, '/a')], r);
    assert.equal(w.size, 100);
    assert.equal(w.start, 99_900);
    assert.deepEqual(w.since('/', 99_999).flat().map((e) => e.kv.modRevision), [99_999, 100_000]);
  });
});
