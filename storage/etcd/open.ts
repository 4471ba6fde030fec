/**
 * `etcd://HOST:PORT[,HOST:PORT...][/PREFIX][?ca=FILE&cert=FILE&key=FILE]`: builds the etcd3
 * client for the URL and opens the backend on it.
 */
import { readFile } from 'node:fs/promises';
import { Etcd3, type IOptions } from 'etcd3';
import { StorageError } from '../errors.js';
import { EtcdBackend, type EtcdBackendOptions } from './backend.js';
import { Keyspace } from './keyspace.js';
import { parseEtcdUrl, type EtcdTlsFiles } from './url.js';

export interface EtcdOptions extends EtcdBackendOptions {
  /** Deadline of each unary call (a read, a txn, a compaction); default 30 s. Watches have none. */
  readonly requestTimeoutMs?: number;
}

type GlobalPolicy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

/**
 * etcd3 retries any "recoverable" failure three times by default, txns included, and puts a
 * circuit breaker before each member that refuses every call for 5 s after three failures. A
 * txn that timed out may have been applied, and sending it again would make it conflict with
 * itself; and the breaker outlives a quick etcd restart, failing watches that could resume. Both
 * are replaced by a pass-through: the backend retries what is safe to retry, on a random member.
 */
const passThrough = {
  execute: <T>(fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T> =>
    Promise.resolve().then(() => fn({ signal: signal ?? new AbortController().signal })),
  onSuccess: () => ({ dispose: () => undefined }),
  onFailure: () => ({ dispose: () => undefined }),
} as unknown as GlobalPolicy;

export async function openEtcdBackend(raw: string, options: EtcdOptions = {}): Promise<EtcdBackend> {
  const url = parseEtcdUrl(raw);
  const credentials = url.tls === undefined ? undefined : await readTls(url.tls);
  const timeout = options.requestTimeoutMs ?? 30_000;
  let client: Etcd3;
  try {
    client = new Etcd3({
      hosts: url.endpoints.map((e) => `${url.tls ? 'https' : 'http'}://${e}`),
      ...(credentials && { credentials }),
      grpcOptions: {
        // Whole ranges and large revisions come back in one message; etcd bounds requests itself.
        'grpc.max_receive_message_length': -1,
        'grpc.max_send_message_length': -1,
        // Notice a dead connection under a quiet watch. etcd's default enforcement allows 5 s.
        'grpc.keepalive_time_ms': 30_000,
        'grpc.keepalive_timeout_ms': 10_000,
      },
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeout }),
      faultHandling: { global: passThrough, host: () => passThrough },
    });
  } catch (err) {
    throw new StorageError('InvalidArgument', `cannot configure etcd client: ${(err as Error).message}`, { cause: err });
  }
  return EtcdBackend.open(client, new Keyspace(url.prefix), options);
}

/** With a CA only, the server is verified; with cert and key too, the client authenticates (mTLS). */
async function readTls(files: EtcdTlsFiles): Promise<IOptions['credentials']> {
  const read = async (what: string, file: string | undefined): Promise<Buffer | undefined> => {
    if (file === undefined) return undefined;
    try {
      return await readFile(file);
    } catch (err) {
      throw new StorageError('InvalidArgument', `cannot read etcd ${what} file ${JSON.stringify(file)}: ${(err as Error).message}`, { cause: err });
    }
  };
  const [ca, cert, key] = await Promise.all([read('CA', files.ca), read('certificate', files.cert), read('key', files.key)]);
  // etcd3 types the CA as required, but gRPC takes none as "the system's roots".
  return { rootCertificate: ca as Buffer, ...(key && { privateKey: key }), ...(cert && { certChain: cert }) };
}
