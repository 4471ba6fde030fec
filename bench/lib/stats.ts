/**
 * Small statistics helpers for benchmarks: nearest-rank percentiles over latency samples and
 * throughput arithmetic. Inputs are never modified.
 */

/** A growable list of latency samples (milliseconds), cheap to append to from hot loops. */
export class Samples {
  #data = new Float64Array(1024);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.#length++] = value;
  }

  /** A copy of the samples, in insertion order. */
  values(): Float64Array {
    return this.#data.slice(0, this.#length);
  }
}

/** A sorted (ascending) copy of the samples. */
export function sortedCopy(samples: ArrayLike<number> | Samples): Float64Array {
  const copy = samples instanceof Samples ? samples.values() : Float64Array.from(samples);
  return copy.sort();
}

/**
 * Nearest-rank percentile of already sorted samples: the smallest sample such that at least
 * `p` percent of the samples are at or below it. NaN when there are no samples.
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within [0, 100], got ${p}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[Math.min(rank, n) - 1]!;
}

/** Nearest-rank percentile of unsorted samples (sorts a copy). */
export function percentile(samples: ArrayLike<number> | Samples, p: number): number {
  return percentileSorted(sortedCopy(samples), p);
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** p50, p99, max and mean of the samples, from one sorted copy. */
export function summarize(samples: ArrayLike<number> | Samples): LatencySummary {
  const sorted = sortedCopy(samples);
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    count: sorted.length,
    p50: percentileSorted(sorted, 50),
    p99: percentileSorted(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
  };
}

/** Operations per second for `count` operations over `elapsedMs` milliseconds. */
export function throughput(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : 0;
}

/** `ours / theirs`, or NaN when either side is missing or zero. */
export function ratio(ours: number | undefined, theirs: number | undefined): number {
  if (ours === undefined || theirs === undefined || !Number.isFinite(ours) || !Number.isFinite(theirs) || theirs === 0) {
    return Number.NaN;
  }
  return ours / theirs;
}

/** Rounds for display and JSON: 3 significant decimals below 100, integers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Math.round(value * 1000) / 1000;
}
