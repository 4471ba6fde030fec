/** How the simulated cluster behaves; every field has a default fit for interactive use. */
export interface SimulatorOptions {
  /** How long a new pod takes to start and turn ready (default 200 ms). */
  readonly readyDelayMs?: number;
  /** How long a Job's pod runs, once started, before it exits (default 1000 ms). */
  readonly jobDurationMs?: number;
  /**
   * Real milliseconds in one second of the durations specs give in seconds (progressDeadlineSeconds,
   * minReadySeconds). Default 1000; tests shrink it rather than wait ten minutes for a deadline.
   */
  readonly secondMs?: number;
  /** The fake node every pod runs on (default `<space>-control-plane`, as kind names its node). */
  readonly nodeName?: string;
  /** How often the kubelet renews its node's Lease in kube-node-lease (default 10 s, as the kubelet). */
  readonly leaseRenewMs?: number;
  /** How long the node's status goes unreported when nothing in it changes (default 5 min, nodeStatusReportFrequency). */
  readonly nodeStatusReportMs?: number;
  /** First pause before a failed sync is retried; doubles per failure up to 30 s (default 500 ms). */
  readonly retryMs?: number;
  /**
   * The CronJob controller's clock, ms since the epoch (default Date.now); tests run it ahead
   * rather than wait for the next minute.
   */
  readonly cronClock?: () => number;
  /** How often the HPA controller reconciles each autoscaler (default 15 s, --horizontal-pod-autoscaler-sync-period). */
  readonly hpaSyncMs?: number;
  /**
   * Whether the first start in a space (no Node yet: the cluster is being created) installs
   * kind's default StorageClass `standard` (default true, as kind does).
   */
  readonly defaultStorageClass?: boolean;
  readonly log?: (msg: string, err?: unknown) => void;
}

export type ResolvedOptions = Required<SimulatorOptions>;

export function resolveOptions(spaceName: string | undefined, o: SimulatorOptions = {}): ResolvedOptions {
  return {
    readyDelayMs: o.readyDelayMs ?? 200,
    jobDurationMs: o.jobDurationMs ?? 1000,
    secondMs: o.secondMs ?? 1000,
    nodeName: o.nodeName ?? `${spaceName ?? 'cluster'}-control-plane`,
    leaseRenewMs: o.leaseRenewMs ?? 10_000,
    nodeStatusReportMs: o.nodeStatusReportMs ?? 300_000,
    retryMs: o.retryMs ?? 500,
    cronClock: o.cronClock ?? Date.now,
    hpaSyncMs: o.hpaSyncMs ?? 15_000,
    defaultStorageClass: o.defaultStorageClass ?? true,
    log: o.log ?? ((msg, err) => console.error(msg, err)),
  };
}
