/**
 * kube-controller-manager's resource quota controller: every ResourceQuota's status carries its
 * `hard` (the spec's) and what the namespace uses of each of those resources, counted from the
 * objects themselves. It counts a quota when it appears or its spec changes, and every few
 * seconds all of them, so usage freed by deletions shows up (admission also recounts before it
 * refuses, so freed room is usable at once). Writes only when the status would change.
 */
import { isDeepStrictEqual } from 'node:util';
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { rec } from '../registry/builtin/helpers.js';
import type { ServedSpace } from '../spaces/served-space.js';
import { runInformer } from './informer.js';
import { serialRun } from './serial-run.js';

const strings = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(rec(v) ?? {}).map(([k, q]) => [k, String(q)]));
const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class ResourceQuotaController {
  readonly #space: ServedSpace;
  readonly #abort = new AbortController();
  readonly #resyncMs: number;
  readonly #quotas = new Map<string, KubeObject>();
  #timer: NodeJS.Timeout | undefined;
  /** One count at a time; changes during one bring another after it. */
  readonly #kick: () => void;

  constructor(space: ServedSpace, options: { resyncMs?: number; log?: (msg: string, err?: unknown) => void } = {}) {
    this.#space = space;
    this.#resyncMs = options.resyncMs ?? 10_000;
    const log = options.log ?? ((msg, err) => console.error(msg, err));
    // A failed count waits for the next resync.
    this.#kick = serialRun(() => this.#syncAll(), { signal: this.#abort.signal, onError: (err) => log('counting quota usage failed', err) });
  }

  async start(): Promise<void> {
    const def = this.#space.catalog.byResource('', 'resourcequotas');
    if (def === undefined) return;
    await runInformer(
      this.#space.store(def),
      '',
      {
        sync: (items) => {
          this.#quotas.clear();
          for (const q of items) this.#quotas.set(keyOf(q), q);
          this.#kick();
        },
        event: (e) => {
          if (e.type === 'DELETED') this.#quotas.delete(keyOf(e.object));
          else this.#quotas.set(keyOf(e.object), e.object);
          // A status write of ours comes back here too: count again only when the spec moved.
          if (e.type !== 'DELETED' && !isDeepStrictEqual(strings(rec(e.object['spec'])?.['hard']), strings(rec(e.object['status'])?.['hard']))) this.#kick();
        },
      },
      this.#abort.signal,
    );
    if (this.#abort.signal.aborted) return;
    this.#timer = setInterval(() => this.#kick(), this.#resyncMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#abort.abort();
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  async #syncAll(): Promise<void> {
    const def = this.#space.catalog.byResource('', 'resourcequotas');
    if (def === undefined) return;
    for (const quota of [...this.#quotas.values()]) {
      if (this.#abort.signal.aborted) return;
      const namespace = quota.metadata.namespace ?? '';
      const hard = strings(rec(quota['spec'])?.['hard']);
      const used = await this.#space.recountQuota(namespace, hard, rec(quota['spec']) ?? {});
      const status = rec(quota['status']) ?? {};
      if (isDeepStrictEqual(strings(status['hard']), hard) && isDeepStrictEqual(strings(status['used']), used)) continue;
      try {
        await this.#space.store(def).guaranteedUpdate(
          namespace,
          quota.metadata.name ?? '',
          // Only over the quota that was counted: a create charged since then would be undone.
          (cur) => (cur.metadata.uid === quota.metadata.uid && cur.metadata.resourceVersion === quota.metadata.resourceVersion ? { ...cur, status: { hard, used } } : cur),
          { subresource: 'status', manager: { name: 'resourcequota-controller', apiVersion: 'v1' } },
        );
      } catch (err) {
        if (!isStatusError(err, 'NotFound')) throw err;
      }
    }
  }
}
