/**
 * Push delivery for any Watch: the watch's own `listen` when it has one (WatchStream delivers
 * live batches synchronously from the publisher), else a loop that iterates it and waits while
 * the listener is paused. Either way the listener sees the batches iteration would yield, then
 * exactly one end().
 */
import type { Watch, WatchControl, WatchListener } from './types.js';

export function listenToWatch(watch: Watch, listener: WatchListener): WatchControl {
  if (watch.listen) return watch.listen(listener);
  let resumed: (() => void) | undefined;
  void (async () => {
    try {
      for await (const batch of watch) {
        if (!listener.next(batch)) await new Promise<void>((resolve) => (resumed = resolve));
      }
    } catch (err) {
      listener.end(err);
      return;
    }
    listener.end();
  })();
  const resume = (): void => {
    const wake = resumed;
    resumed = undefined;
    wake?.();
  };
  return {
    resume,
    close() {
      watch.close();
      resume();
    },
  };
}
