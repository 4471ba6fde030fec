/**
 * One watch load-generator process (`node --import tsx bench/lib/watch-client.ts`, forked with an
 * IPC channel by watch-clients.ts). Receiving 20,000 frames a second happens here, apart from the
 * writer, so the writer's timestamps are not held up by the receiving; on hosts with cores to
 * spare the streams can be split over several of these.
 *
 * Protocol: the parent sends `{ type: 'start', config, path, streams, field }`; this process opens
 * the streams and answers `{ type: 'opened', statuses }` (one HTTP status per stream, 0 for a
 * failure); on `{ type: 'stop' }` it closes them and answers `{ type: 'done', ... }` with every
 * delivery's latency: receipt time minus the sender's timestamp in `field`, both read from the
 * monotonic clock that all processes of the host share.
 */
import { fieldScanner, type ClientConfig, type Stream } from './load.js';
import { openRawStream } from './raw-stream.js';

export interface StartMessage {
  readonly type: 'start';
  readonly config: ClientConfig;
  readonly path: string;
  readonly streams: number;
  readonly field: string;
}

export interface DoneMessage {
  readonly type: 'done';
  readonly latencies: number[];
  readonly lastDeliveryAt: number;
  readonly endedEarly: number;
}

const OPEN_TIMEOUT_MS = 60_000;

let streams: Stream[] = [];
const latencies: number[] = [];
let lastDeliveryAt = 0;
let endedEarly = 0;

process.on('message', (msg: StartMessage | { type: 'stop' }) => {
  if (msg.type === 'start') void start(msg);
  else void stop();
});
// The parent went away: nothing left to report to.
process.on('disconnect', () => process.exit(0));

async function start(msg: StartMessage): Promise<void> {
  const { config } = msg;
  const onSent = (value: string, at: number): void => {
    latencies.push(at - Number(value));
    lastDeliveryAt = at;
  };
  for (let i = 0; i < msg.streams; i++) {
    const stream = openRawStream(config, msg.path, fieldScanner(msg.field, onSent));
    void stream.ended.then((e) => {
      if (e.early) endedEarly++;
    });
    streams.push(stream);
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(0), OPEN_TIMEOUT_MS)));
  const statuses = await Promise.all(streams.map((s) => Promise.race([s.started, timedOut]).catch(() => 0)));
  clearTimeout(timer);
  process.send!({ type: 'opened', statuses });
}

async function stop(): Promise<void> {
  for (const s of streams) s.close();
  await Promise.all(streams.map((s) => s.ended));
  streams = [];
  const done: DoneMessage = { type: 'done', latencies, lastDeliveryAt, endedEarly };
  process.send!(done, () => process.disconnect());
}
