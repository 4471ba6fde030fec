/**
 * Automatic compaction, on a timer: history is kept for `retainMs` (kube-apiserver compacts etcd
 * to the revision it saw five minutes before, so a watch or a paged list from longer ago gets 410
 * Expired) and never beyond the newest `retainRevisions` revisions, whichever keeps less. Each
 * pass notes the current revision; the revision noted `retainMs` ago is where the next pass may
 * cut. It never compacts inside the window, and a pass that finds nothing to do is free. Time is
 * injected so tests need not wait.
 */
import type { Backend } from './types.js';

export interface CompactorOptions {
  /** At most this many revisions of history are kept. */
  readonly retainRevisions: number;
  /** History older than this is dropped (unset: only the revision count limits it). */
  readonly retainMs?: number;
  readonly intervalMs: number;
  readonly now?: () => number;
  readonly onError?: (err: unknown) => void;
  readonly setInterval?: (fn: () => void, ms: number) => { unref?: () => void };
  readonly clearInterval?: (handle: unknown) => void;
}

export interface Compactor {
  /** One compaction pass now; resolves to the new compact revision, or undefined if none was due. */
  runOnce(): Promise<number | undefined>;
  stop(): void;
}

export function startCompactor(backend: Backend, options: CompactorOptions): Compactor {
  let running: Promise<number | undefined> | undefined;
  const now = options.now ?? Date.now;
  /** Revisions seen by earlier passes, oldest first: where the time window may cut. */
  const seen: { at: number; revision: number }[] = [{ at: now(), revision: backend.currentRevision() }];
  const pass = async (): Promise<number | undefined> => {
    const current = backend.currentRevision();
    let target = current - options.retainRevisions;
    if (options.retainMs !== undefined) {
      const cutoff = now() - options.retainMs;
      let old: number | undefined;
      while (seen.length > 0 && seen[0]!.at <= cutoff) old = seen.shift()!.revision;
      if (old !== undefined) {
        // Keep the sample: it stays the cut point until a newer one is old enough.
        seen.unshift({ at: cutoff, revision: old });
        target = Math.max(target, old);
      }
    }
    seen.push({ at: now(), revision: current });
    if (target <= backend.compactRevision()) return undefined;
    await backend.compact(target);
    return target;
  };
  const runOnce = (): Promise<number | undefined> => {
    if (running === undefined) {
      const p = pass();
      running = p;
      // Cleared only once this pass settles, however quickly (a no-op pass settles at once).
      void p.then(
        () => (running === p ? (running = undefined) : undefined),
        () => (running === p ? (running = undefined) : undefined),
      );
    }
    return running;
  };
  const every = options.setInterval ?? setInterval;
  const handle = every(() => {
    runOnce().catch((err: unknown) => options.onError?.(err));
  }, options.intervalMs);
  handle.unref?.();
  return {
    runOnce,
    stop: () => (options.clearInterval ?? clearInterval)(handle as never),
  };
}
