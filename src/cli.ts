#!/usr/bin/env -S node --max-semi-space-size=32 --initial-old-space-size=64
/**
 * `kubestellar <command>`: the command-line contract of ARCHITECTURE §10.
 *
 * Every launcher runs node with 32 MiB semi-spaces (V8's default is 16): under load a hundred
 * requests are in flight, so each young-generation collection copies much the same live set, and
 * collecting half as often took about a tenth off a create's event-loop time.
 *
 * And with a 64 MiB initial old generation: V8 starts marking an isolate's old generation once
 * the room left below its limit is smaller than the young generation, and the HTTPS front thread
 * lives in a few MiB, so with 32 MiB semi-spaces its limit always was that close. It marked almost
 * without pause, every young collection during marking promoted what it found alive, and that
 * kept the old generation at its limit: a full collection every 0.7 s, young pauses of 7-9 ms,
 * a fifth of its allocation promoted. With the larger start its young pauses are about 2 ms and
 * it collects in full only as its own heap grows; create bench, 3 alternating pairs, +5-8%
 * creates/s. V8 sizes its heap at start-up, so these must be node options (here, `npm start`, the
 * Dockerfile, the benchmark).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createSpace, parseLabels } from './commands/create-space.js';
import { serve } from './main.js';
import { requestHeaderFromCluster } from './commands/host-authentication.js';

async function fromCluster(allowed: string | undefined): Promise<{ clientCaPem: string; allowedNames: string[]; config: Awaited<ReturnType<typeof requestHeaderFromCluster>>['config'] }> {
  const host = await requestHeaderFromCluster();
  return { clientCaPem: host.clientCaPem, allowedNames: (allowed ?? '').split(',').filter((n) => n !== ''), config: host.config };
}

const USAGE = `usage:
  kubestellar serve [--data-dir DIR] [--bind-address 127.0.0.1] [--port N] [--kubeconfig-dir DIR] [--storage URL] [--demo]
                    [--requestheader-client-ca-file F | --requestheader-from-cluster] [--requestheader-allowed-names a,b] [--tls-san NAME]...
                    [--leader-elect=true|false] [--leader-elect-lease-duration 15s] [--leader-elect-renew-deadline 10s] [--leader-elect-retry-period 2s]
                    [--http-front thread|inline]   (TLS and HTTP in a thread of their own, the default, or on the main thread)
  kubestellar create its NAME | create wds NAME (--its ITS | --its-kubeconfig F) | create wec NAME --its ITS [--label k=v]... [--external-agent] [--kubeconfig F]
  kubestellar agent --hub-kubeconfig F --cluster-name NAME --kubeconfig F [--label k=v]...
  kubestellar kubeconfig SPACE [--data-dir DIR] [--kubeconfig-dir DIR]
  kubestellar pki [--data-dir DIR] [--bind-address A] [--tls-san NAME]...   (the CA and keys replicas share)`;

/** kube's flag values: `15s`, `1500ms`, `1m`. */
function parseDuration(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value);
  if (m === null) throw new Error(`invalid --${flag} ${JSON.stringify(value)}: want a duration such as 15s or 500ms`);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
}

function leaderElectionFlags(values: Record<string, unknown>): NonNullable<Parameters<typeof serve>[0]['leaderElection']> {
  const flag = (name: string): string | undefined => values[name] as string | undefined;
  const enabled = flag('leader-elect');
  if (enabled !== undefined && enabled !== 'true' && enabled !== 'false') throw new Error(`invalid --leader-elect ${enabled}: want true or false`);
  const timing = {
    ...(flag('leader-elect-lease-duration') !== undefined && { leaseDurationMs: parseDuration('leader-elect-lease-duration', flag('leader-elect-lease-duration')!) }),
    ...(flag('leader-elect-renew-deadline') !== undefined && { renewDeadlineMs: parseDuration('leader-elect-renew-deadline', flag('leader-elect-renew-deadline')!) }),
    ...(flag('leader-elect-retry-period') !== undefined && { retryPeriodMs: parseDuration('leader-elect-retry-period', flag('leader-elect-retry-period')!) }),
  };
  return { ...(enabled !== undefined && { enabled: enabled === 'true' }), ...timing };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'agent') {
    const { agentMain } = await import('./agent/cli.js');
    return agentMain(rest);
  }

  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string', default: '.kubestellar' },
      'bind-address': { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '6443' },
      'kubeconfig-dir': { type: 'string' },
      storage: { type: 'string' },
      demo: { type: 'boolean', default: false },
      its: { type: 'string' },
      label: { type: 'string', multiple: true, default: [] },
      kubeconfig: { type: 'string' },
      'external-agent': { type: 'boolean', default: false },
      'its-kubeconfig': { type: 'string' },
      'requestheader-client-ca-file': { type: 'string' },
      'requestheader-allowed-names': { type: 'string' },
      'requestheader-from-cluster': { type: 'boolean', default: false },
      'tls-san': { type: 'string', multiple: true, default: [] },
      'http-front': { type: 'string', default: 'thread' },
      'leader-elect': { type: 'string' },
      'leader-elect-lease-duration': { type: 'string' },
      'leader-elect-renew-deadline': { type: 'string' },
      'leader-elect-retry-period': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  const dataDir = values['data-dir']!;
  const kubeconfigDir = values['kubeconfig-dir'] ?? join(dataDir, 'kubeconfigs');
  switch (command) {
    case 'serve': {
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
      const httpFront = values['http-front'];
      if (httpFront !== 'thread' && httpFront !== 'inline') throw new Error(`invalid --http-front ${httpFront}: thread or inline`);
      const server = await serve({
        httpFront,
        dataDir,
        bindAddress: values['bind-address']!,
        port,
        kubeconfigDir,
        demo: values.demo!,
        tlsSans: values['tls-san']!,
        ...(values.storage !== undefined && { storage: values.storage }),
        leaderElection: leaderElectionFlags(values),
        ...(values['requestheader-client-ca-file'] !== undefined && {
          requestHeader: {
            clientCaPem: await readFile(values['requestheader-client-ca-file'], 'utf8'),
            allowedNames: (values['requestheader-allowed-names'] ?? '').split(',').filter((n) => n !== ''),
          },
        }),
        // In a hosting cluster: the front proxy's CA and headers as the host publishes them.
        ...(values['requestheader-from-cluster'] === true && { requestHeader: await fromCluster(values['requestheader-allowed-names']) }),
      });
      const shutdown = (): void => {
        server.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            console.error('shutdown failed', err);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
      console.error(`kubeconfigs in ${server.kubeconfigDir}:`);
      for (const f of await import('node:fs/promises').then((fs) => fs.readdir(server.kubeconfigDir))) {
        if (f.endsWith('.kubeconfig')) console.error(`  ${join(server.kubeconfigDir, f)}`);
      }
      console.log(`ready ${server.url}`);
      return -1;
    }
    case 'create': {
      const [kind, name] = positionals;
      if ((kind !== 'its' && kind !== 'wds' && kind !== 'wec') || name === undefined) {
        console.error(USAGE);
        return 2;
      }
      const path = await createSpace({
        kind,
        name,
        ...(values.its !== undefined && { its: values.its }),
        labels: parseLabels(values.label!),
        externalAgent: values['external-agent']!,
        ...(values['its-kubeconfig'] !== undefined && { itsKubeconfig: resolve(values['its-kubeconfig']) }),
        kubeconfig: values.kubeconfig ?? join(kubeconfigDir, 'admin.kubeconfig'),
      });
      console.log(resolve(path));
      return 0;
    }
    case 'pki': {
      // What several replicas share (a Secret in Kubernetes): the same hosts serve would use.
      const { ensurePki } = await import('./pki/ensure-pki.js');
      const { ServiceAccountTokens } = await import('./auth/tokens/service-account-tokens.js');
      await ensurePki(resolve(dataDir), { hosts: [values['bind-address']!, 'localhost', '127.0.0.1', ...values['tls-san']!] });
      await ServiceAccountTokens.ensure(join(resolve(dataDir), 'pki'));
      console.log(join(resolve(dataDir), 'pki'));
      return 0;
    }
    case 'kubeconfig': {
      const space = positionals[0];
      if (space === undefined) throw new Error('kubeconfig needs a SPACE');
      process.stdout.write(await readFile(resolve(kubeconfigDir, `${space}.kubeconfig`), 'utf8'));
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
