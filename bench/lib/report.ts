/**
 * Benchmark reporter. Each figure is printed as one `name value unit` line on stdout as soon as
 * it is known; `finish()` prints exactly one JSON line summarising the run:
 *
 *   {"bench":NAME,"figures":{...},"baseline":{...},"ratios":{...},"targets":{...}}
 *
 * `figures` are ours, `baseline` the same-named figures of the peer measured in the same run,
 * `ratios` ours/baseline (or the reverse, as each ratio's name says), and `targets` informational
 * goals with whether this run met them. Nothing here fails a run.
 */

import { round } from './stats.js';

export interface Target {
  /** The figure the target is about (looked up in `figures`, or `ratios` if not there). */
  readonly figure: string;
  readonly op: '>=' | '<=';
  readonly value: number;
  readonly unit: string;
}

interface TargetResult {
  readonly target: string;
  readonly actual: number | null;
  readonly met: boolean | null;
}

export class Reporter {
  readonly bench: string;
  readonly #figures: Record<string, number> = {};
  readonly #baseline: Record<string, number> = {};
  readonly #ratios: Record<string, number> = {};
  readonly #targets: Target[] = [];
  readonly #out: (line: string) => void;
  #finished = false;

  constructor(bench: string, out: (line: string) => void = (line) => process.stdout.write(line + '\n')) {
    this.bench = bench;
    this.#out = out;
  }

  /** One of our figures. */
  figure(name: string, value: number, unit: string): void {
    this.#figures[name] = round(value);
    this.#out(`${name} ${format(value)} ${unit}`);
  }

  /** A figure of the peer (same name as ours where comparable). */
  baseline(name: string, value: number, unit: string, peer = 'baseline'): void {
    this.#baseline[name] = round(value);
    this.#out(`${peer}.${name} ${format(value)} ${unit}`);
  }

  /** A ratio between our figure and the peer's; skipped (with a note) when not computable. */
  ratio(name: string, value: number): void {
    if (!Number.isFinite(value)) {
      this.note(`ratio ${name} not computable`);
      return;
    }
    this.#ratios[name] = round(value);
    this.#out(`${name} ${format(value)} x`);
  }

  /** A goal to print next to the figures in the summary; informational only. */
  target(target: Target): void {
    this.#targets.push(target);
  }

  /** A free-form line on stdout (e.g. "baseline skipped"). */
  note(text: string): void {
    this.#out(`# ${text}`);
  }

  get figures(): Readonly<Record<string, number>> {
    return this.#figures;
  }

  get baselines(): Readonly<Record<string, number>> {
    return this.#baseline;
  }

  /** Prints the target lines, then the JSON summary line. Only the first call prints. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    const targets: Record<string, TargetResult> = {};
    for (const t of this.#targets) {
      const actual = this.#figures[t.figure] ?? this.#ratios[t.figure];
      const met = actual === undefined ? null : t.op === '>=' ? actual >= t.value : actual <= t.value;
      const key = `${t.figure} ${t.op} ${t.value}`;
      targets[key] = { target: `${t.op} ${t.value} ${t.unit}`, actual: actual ?? null, met };
      const verdict = met === null ? 'not measured' : met ? 'met' : 'NOT met';
      this.#out(`target ${t.figure} ${t.op} ${format(t.value)} ${t.unit}: ${actual === undefined ? '-' : format(actual)} (${verdict})`);
    }
    this.#out(
      JSON.stringify({
        bench: this.bench,
        figures: this.#figures,
        baseline: this.#baseline,
        ratios: this.#ratios,
        targets,
      }),
    );
  }
}

function format(value: number): string {
  return String(round(value));
}
