/**
 * Runs the watch load over several watch-client.ts processes: streams are split evenly, openings
 * and results gathered, and the clients' CPU reported like the server's.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuSeconds } from './child.js';
import type { ClientConfig } from './load.js';
import type { DoneMessage, StartMessage } from './watch-client.js';

export interface WatchClients {
  /** One HTTP status per stream (0: failed or timed out), once every client has opened its share. */
  readonly statuses: number[];
  /** CPU seconds the clients have used so far. */
  cpuSeconds(): number;
  /** Deliveries so far are not known here; ask the clients to stop and report. */
  stop(): Promise<{ latencies: number[]; lastDeliveryAt: number; endedEarly: number }>;
  /** Kills whatever is still running (after a failure). */
  kill(): void;
}

const script = fileURLToPath(new URL('./watch-client.ts', import.meta.url));

export async function startWatchClients(processes: number, config: ClientConfig, path: string, streams: number, field: string): Promise<WatchClients> {
  const children: ChildProcess[] = [];
  const kill = (): void => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  };
  try {
    const opened = await Promise.all(
      Array.from({ length: processes }, (_, i) => {
        const share = Math.floor(streams / processes) + (i < streams % processes ? 1 : 0);
        const child = fork(script, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        children.push(child);
        const start: StartMessage = { type: 'start', config, path, streams: share, field };
        child.send(start);
        return reply<{ statuses: number[] }>(child, 'opened');
      }),
    );
    return {
      statuses: opened.flatMap((o) => o.statuses),
      cpuSeconds: () => children.reduce((sum, c) => sum + cpuSeconds(c.pid!), 0),
      async stop() {
        const done = await Promise.all(
          children.map((c) => {
            const r = reply<DoneMessage>(c, 'done');
            c.send({ type: 'stop' });
            return r;
          }),
        );
        return {
          latencies: done.flatMap((d) => d.latencies),
          lastDeliveryAt: Math.max(0, ...done.map((d) => d.lastDeliveryAt)),
          endedEarly: done.reduce((n, d) => n + d.endedEarly, 0),
        };
      },
      kill,
    };
  } catch (err) {
    kill();
    throw err;
  }
}

/** The child's next message of `type`; rejects if it exits first. */
function reply<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string }): void => {
      if (msg.type !== type) return;
      cleanup();
      resolve(msg as T);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`watch client ${child.pid} exited (${code}) before '${type}'`));
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
