/**
 * The broadcaster's matching: each sink is offered exactly the events whose key starts with its
 * prefix, in order, whatever mix of directories a commit touches; a sink under which every event
 * falls gets the published array itself; sinks that come or go between commits are matched from
 * the next one on.
 */
import assert from 'node:assert/strict';
import { Broadcaster, type EndReason, type Sink } from '../../../storage/broadcaster.js';
import type { WatchEvent } from '../../../storage/types.js';

class Recorder implements Sink {
  readonly batches: WatchEvent[][] = [];
  readonly ended: EndReason[] = [];
  readonly prefix: string;
  readonly #room: number;
  constructor(prefix: string, room = Infinity) {
    this.prefix = prefix;
    this.#room = room;
  }
  offer(events: WatchEvent[]): boolean {
    this.batches.push(events);
    return this.batches.length <= this.#room;
  }
  end(reason: EndReason): void {
    this.ended.push(reason);
  }
  keys(): string[][] {
    return this.batches.map((b) => b.map((e) => e.kv.key));
  }
}

let revision = 0;
function put(key: string): WatchEvent {
  revision++;
  return { type: 'put', kv: { key, value: new Uint8Array(0), createRevision: revision, modRevision: revision, version: 1 } };
}

const PREFIXES = ['', '/', '/a/', '/a/b/', '/a/b/c/', '/a/bc', '/a/b', '/x/', '/a/b/c/d'];
const COMMITS = [
  ['/a/b/c/d'],
  ['/a/b/c/d', '/a/b/c/e', '/a/b/x'],
  ['/a/bcd', '/a/b/c/d/e', '/x/1', '/a/b/c/f', 'nokey', '/a/b/c/d2'],
  ['/x/1', '/x/2', '/x/3'],
  ['/y'],
];

describe('broadcaster matching', () => {
  it('offers each sink exactly the events under its prefix, in order', () => {
    const b = new Broadcaster();
    const sinks = PREFIXES.map((p) => new Recorder(p));
    for (const s of sinks) b.subscribe(s);
    const commits = COMMITS.map((keys) => keys.map(put));
    for (const c of commits) b.publish(c);
    for (const s of sinks) {
      const expected = commits.map((c) => c.filter((e) => e.kv.key.startsWith(s.prefix)).map((e) => e.kv.key)).filter((k) => k.length > 0);
      assert.deepEqual(s.keys(), expected, `prefix ${JSON.stringify(s.prefix)}`);
    }
  });

  it('hands a sink that matches the whole commit the published array, and others a copy', () => {
    const b = new Broadcaster();
    const all = new Recorder('/x/');
    const some = new Recorder('/x/1');
    b.subscribe(all);
    b.subscribe(some);
    const commit = ['/x/1', '/x/2'].map(put);
    b.publish(commit);
    assert.equal(all.batches[0], commit);
    assert.notEqual(some.batches[0], commit);
    assert.deepEqual(some.keys(), [['/x/1']]);
  });

  it('matches sinks subscribed and dropped between commits from the next commit on', () => {
    const b = new Broadcaster();
    const early = new Recorder('/a/');
    const drop = b.subscribe(early);
    b.publish(['/a/1'].map(put));
    const late = new Recorder('/a/');
    const other = new Recorder('/b/');
    b.subscribe(late);
    b.subscribe(other);
    drop();
    b.publish(['/a/2', '/b/1'].map(put));
    assert.deepEqual(early.keys(), [['/a/1']]);
    assert.deepEqual(late.keys(), [['/a/2']]);
    assert.deepEqual(other.keys(), [['/b/1']]);
    assert.equal(b.size, 2);
  });

  it('ends a sink that can take no more and keeps offering the others', () => {
    const b = new Broadcaster();
    const full = new Recorder('/a/', 1);
    const fine = new Recorder('/a/');
    b.subscribe(full);
    b.subscribe(fine);
    for (const k of ['/a/1', '/a/2', '/a/3']) b.publish([put(k)]);
    assert.deepEqual(full.ended, ['overflow']);
    assert.deepEqual(full.keys(), [['/a/1'], ['/a/2']]);
    assert.deepEqual(fine.keys(), [['/a/1'], ['/a/2'], ['/a/3']]);
    assert.equal(b.size, 1);
    assert.equal(b.published, revision);
  });
});
