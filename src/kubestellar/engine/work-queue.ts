/**
 * A keyed work queue in the manner of client-go's: adding a key that is already waiting
 * coalesces, a key is never processed by two workers at once (added again while running, it
 * runs once more afterwards), at most `concurrency` keys run together, and a failed key is
 * retried with exponential backoff. Reconcilers are level-based, so coalescing loses nothing.
 */

export interface WorkQueueOptions {
  readonly concurrency?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Called with each failure before the key is retried. */
  readonly onError?: (key: string, err: unknown) => void;
}

export class WorkQueue {
  readonly #process: (key: string) => Promise<void>;
  readonly #concurrency: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #onError: (key: string, err: unknown) => void;
  readonly #waiting = new Set<string>();
  readonly #running = new Set<string>();
  /** Keys added again while running: requeued when their run ends. */
  readonly #dirtyWhileRunning = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #idleWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(process: (key: string) => Promise<void>, options: WorkQueueOptions = {}) {
    this.#process = process;
    this.#concurrency = options.concurrency ?? 16;
    this.#baseDelayMs = options.baseDelayMs ?? 5;
    this.#maxDelayMs = options.maxDelayMs ?? 30_000;
    this.#onError = options.onError ?? ((key, err) => console.error(`reconciling ${key} failed`, err));
  }

  add(key: string): void {
    if (this.#stopped) return;
    const timer = this.#timers.get(key);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.#timers.delete(key);
    }
    if (this.#running.has(key)) {
      this.#dirtyWhileRunning.add(key);
      return;
    }
    this.#waiting.add(key);
    this.#pump();
  }

  /** Keys waiting, running or backing off. */
  get length(): number {
    return this.#waiting.size + this.#running.size + this.#timers.size;
  }

  /** Resolves when nothing is waiting or running (keys backing off do not count). */
  idle(): Promise<void> {
    if (this.#waiting.size === 0 && this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.#waiting.clear();
  }

  #pump(): void {
    while (!this.#stopped && this.#running.size < this.#concurrency && this.#waiting.size > 0) {
      const key = this.#waiting.values().next().value as string;
      this.#waiting.delete(key);
      this.#running.add(key);
      void this.#run(key);
    }
    if (this.#waiting.size === 0 && this.#running.size === 0) {
      for (const w of this.#idleWaiters.splice(0)) w();
    }
  }

  async #run(key: string): Promise<void> {
    try {
      await this.#process(key);
      this.#failures.delete(key);
    } catch (err) {
      if (!this.#stopped) {
        const n = (this.#failures.get(key) ?? 0) + 1;
        this.#failures.set(key, n);
        this.#onError(key, err);
        const delay = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** Math.min(n, 20));
        this.#timers.set(
          key,
          setTimeout(() => {
            this.#timers.delete(key);
            this.add(key);
          }, delay).unref(),
        );
      }
    } finally {
      this.#running.delete(key);
      if (this.#dirtyWhileRunning.delete(key)) this.#waiting.add(key);
      this.#pump();
    }
  }
}
