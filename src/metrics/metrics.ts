/**
 * The server's Prometheus metrics (text format at /metrics): API requests as kube-apiserver
 * names them, and KubeStellar's propagation histograms (spec/kubestellar.md §9). One registry
 * per server, not prom-client's global one, so several servers in one process (tests) keep
 * their figures apart. The per-workload label upstream puts on propagation histograms is left
 * out: one series per object would grow without bound.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const PROPAGATION_LABELS = ['space', 'cluster', 'kind', 'apiVersion', 'bindingpolicy'] as const;

export interface RequestLabels {
  readonly space: string;
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Requests served, by space, verb, group, version, resource, subresource and HTTP code.',
    labelNames: ['space', 'verb', 'group', 'version', 'resource', 'subresource', 'code'],
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Time to answer a request (to the first byte of a watch), by space, verb and resource.',
    labelNames: ['space', 'verb', 'group', 'version', 'resource', 'subresource'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  /** WDS object change seen → its ManifestWork written. */
  readonly packaging = this.#propagation('kubestellar_downsync_packaging_duration_seconds', 'WDS object change to ManifestWork written in the ITS.');
  /** ManifestWork written → its agent reports it applied. */
  readonly delivery = this.#propagation('kubestellar_downsync_delivery_duration_seconds', 'ManifestWork written to the work agent reporting it applied.');
  /** WDS object change seen → applied in the WEC (as the agent reports). */
  readonly downsync = this.#propagation('kubestellar_downsync_duration_seconds', 'WDS object change to the object applied in the WEC.');
  /** Returned status seen in the ITS → written into the WDS object. */
  readonly statusFinalization = this.#propagation(
    'kubestellar_statusPropagation_finalization_duration_seconds',
    'Returned status arriving in the ITS to the WDS object carrying it.',
  );
  readonly workloadCount = new Gauge({
    name: 'kubestellar_workload_count',
    help: 'Workload objects selected by at least one BindingPolicy, per WDS.',
    labelNames: ['space'],
    registers: [this.registry],
  });

  /** prom-client children by label values: a child skips label validation and hashing per call. */
  readonly #requestSeries = new Map<string, { count: { inc(): void }; duration: { observe(v: number): void } }>();

  /** One finished request: counted by code, and timed unless `seconds` is undefined (watches). */
  recordRequest(labels: RequestLabels, code: number, seconds: number | undefined): void {
    const key = `${labels.space}\0${labels.verb}\0${labels.group}\0${labels.version}\0${labels.resource}\0${labels.subresource}\0${code}`;
    let series = this.#requestSeries.get(key);
    if (series === undefined) {
      series = { count: this.requests.labels({ ...labels, code: String(code) }), duration: this.requestDuration.labels(labels) };
      this.#requestSeries.set(key, series);
    }
    series.count.inc();
    if (seconds !== undefined) series.duration.observe(seconds);
  }

  #propagation(name: string, help: string): Histogram<(typeof PROPAGATION_LABELS)[number]> {
    return new Histogram({ name, help, labelNames: [...PROPAGATION_LABELS], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  }

  /** The text exposition; for one space, its own series and the server-wide ones (no other space's). */
  async text(space?: string): Promise<{ body: string; contentType: string }> {
    const body = await this.registry.metrics();
    return { body: space === undefined ? body : onlySpace(body, space), contentType: this.registry.contentType };
  }
}

/** A label `space="..."` in a sample line; label values are escaped, so it only starts a label. */
const SPACE_LABEL = /[{,]space="((?:[^"\\]|\\.)*)"/;

/** Drops the sample lines labelled with another space (comments and unlabelled series stay). */
export function onlySpace(text: string, space: string): string {
  return text
    .split('\n')
    .filter((line) => {
      if (line.startsWith('#')) return true;
      const m = SPACE_LABEL.exec(line);
      return m === null || m[1] === space;
    })
    .join('\n');
}
