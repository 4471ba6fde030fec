/**
 * Runs leader election over the storage port: the lease is one key, written only with
 * compare-and-swap on its modRevision, so two replicas can never both believe they acquired or
 * renewed the same revision of it. The decisions are `decideLease`'s; this file only reads,
 * writes and keeps time.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Backend, KeyValue } from '../../storage/index.js';
import { decideLease, released, sameRecord, type LeaseRecord, type Observation } from './lease.js';

export interface ElectorOptions {
  readonly backend: Backend;
  /** Storage key of the lease (outside every space's subtree). */
  readonly key: string;
  /** Unique per process; default `<hostname>_<random>`. */
  readonly identity?: string;
  /** How long a silent holder keeps the lease (client-go default 15 s). */
  readonly leaseDurationMs: number;
  /** A holder that could not renew for this long stops acting as leader (must be < lease duration). */
  readonly renewDeadlineMs: number;
  /** How often to try to acquire or renew. */
  readonly retryPeriodMs: number;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  readonly log?: (msg: string, err?: unknown) => void;
}

export function defaultIdentity(): string {
  return `${hostname()}_${randomBytes(6).toString('hex')}`;
}

const encode = (r: LeaseRecord): Uint8Array => Buffer.from(JSON.stringify(r));

function decode(kv: KeyValue | undefined): LeaseRecord | undefined {
  if (kv === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(kv.value).toString('utf8')) as LeaseRecord;
  } catch {
    // An unreadable record is treated as expired garbage and overwritten by CAS.
    return { holderIdentity: '\u0000unreadable', leaseDurationSeconds: 0, acquireTime: '', renewTime: '', leaseTransitions: 0 };
  }
}

export class LeaderElector {
  readonly identity: string;
  readonly #o: ElectorOptions;
  #observed: Observation = { record: undefined, observedAt: 0 };
  #modRevision = 0;
  #leading = false;
  #lastRenew = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #tick: Promise<void> = Promise.resolve();

  constructor(options: ElectorOptions) {
    if (options.renewDeadlineMs >= options.leaseDurationMs) throw new Error('the renew deadline must be shorter than the lease duration');
    this.#o = options;
    this.identity = options.identity ?? defaultIdentity();
  }

  get leading(): boolean {
    return this.#leading;
  }

  /**
   * Tries at once, then every retry period, until stopped. Resolves after the first attempt, so
   * a replica that finds the lease free is already leading when it announces readiness.
   */
  start(): Promise<void> {
    this.#tick = this.#attempt().finally(() => this.#schedule(this.#o.retryPeriodMs));
    return this.#tick;
  }

  /** Stops trying; a leader steps down and releases the lease so a successor starts at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#tick;
    if (!this.#leading) return;
    this.#setLeading(false);
    const record = this.#observed.record;
    if (record === undefined) return;
    try {
      await this.#o.backend.txn({
        compare: [{ key: this.#o.key, target: 'modRevision', result: '=', value: this.#modRevision }],
        success: [{ type: 'put', key: this.#o.key, value: encode(released(record, new Date().toISOString())) }],
      });
    } catch (err) {
      this.#o.log?.('releasing the leader lease failed', err);
    }
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#tick = this.#attempt().finally(() => this.#schedule(this.#o.retryPeriodMs));
    }, ms);
    this.#timer.unref();
  }

  async #attempt(): Promise<void> {
    const now = performance.now();
    try {
      const kv = await this.#o.backend.get(this.#o.key);
      const record = decode(kv);
      if (!sameRecord(record, this.#observed.record)) this.#observed = { record, observedAt: now };
      this.#modRevision = kv?.modRevision ?? 0;
      const decision = decideLease(this.#observed, { identity: this.identity, leaseDurationMs: this.#o.leaseDurationMs }, performance.now(), new Date().toISOString());
      if (decision.action === 'wait') {
        if (this.#leading) this.#setLeading(false); // someone took it over while we could not renew
        return;
      }
      const r = await this.#o.backend.txn({
        compare: [{ key: this.#o.key, target: 'modRevision', result: '=', value: this.#modRevision }],
        success: [{ type: 'put', key: this.#o.key, value: encode(decision.record) }],
      });
      if (!r.succeeded) {
        // Another candidate wrote first; its record is read on the next attempt.
        if (this.#leading) this.#setLeading(false);
        return;
      }
      this.#observed = { record: decision.record, observedAt: performance.now() };
      this.#modRevision = r.revision;
      this.#lastRenew = now;
      if (!this.#leading && !this.#stopped) this.#setLeading(true);
    } catch (err) {
      this.#o.log?.('leader election: the lease could not be read or written', err);
    }
    if (this.#leading && performance.now() - this.#lastRenew > this.#o.renewDeadlineMs) this.#setLeading(false);
  }

  #setLeading(leading: boolean): void {
    this.#leading = leading;
    try {
      if (leading) this.#o.onStartedLeading();
      else this.#o.onStoppedLeading();
    } catch (err) {
      this.#o.log?.('leadership callback failed', err);
    }
  }
}
