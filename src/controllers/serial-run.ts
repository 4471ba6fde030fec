/**
 * A whole-state reconciliation run one pass at a time: a kick during a pass brings exactly one
 * more pass after it (whatever changed meanwhile is seen then), and a pass that fails (throws, or
 * resolves false) is retried after `retryMs`, unless another kick came first. Stops with `signal`.
 */
export interface SerialRunOptions {
  readonly signal: AbortSignal;
  /** Retry delay after a failed pass; without it a failed pass waits for the next kick. */
  readonly retryMs?: number;
  /** Told of a pass that threw (not of one that resolved false: that one logged its own reasons). */
  readonly onError?: (err: unknown) => void;
}

export function serialRun(pass: () => Promise<boolean | void>, options: SerialRunOptions): () => void {
  let running = false;
  let again = false;
  const kick = (): void => {
    if (options.signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    void pass()
      .then(
        (ok) => ok !== false,
        (err: unknown) => {
          if (!options.signal.aborted) options.onError?.(err);
          return false;
        },
      )
      .then((ok) => {
        running = false;
        if (again) {
          again = false;
          kick();
        } else if (!ok && options.retryMs !== undefined) setTimeout(kick, options.retryMs).unref();
      });
  };
  return kick;
}
