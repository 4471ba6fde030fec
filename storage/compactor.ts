/**
 * Automatic compaction: keeps the newest `retainRevisions` revisions of history and drops the
 * rest, on a timer. It never compacts inside the window, and a pass that finds nothing to do is
 * free. Time is injected so tests need not wait.
 */
import type { Backend } from './types.js';

export interface CompactorOptions {
  /** Revisions of history to keep (kube-apiserver keeps about five minutes; we count revisions). */
  readonly retainRevisions: number;
  readonly intervalMs: number;
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
  const pass = async (): Promise<number | undefined> => {
    const target = backend.currentRevision() - options.retainRevisions;
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
