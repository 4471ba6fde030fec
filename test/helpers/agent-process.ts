/**
 * `kubestellar agent` as a child process, for end-to-end tests: the work agent of one WEC,
 * talking to the ITS and the WEC through their kubeconfigs, as a user would run it.
 *
 *   const agent = await startAgent({ hubKubeconfig, wecKubeconfig, clusterName: 'cluster1', labels: { name: 'cluster1' } });
 *   await agent.kill9(); await agent.restart(); await agent.stop();
 *
 * Its stderr is appended to `logPath`. Children are stopped by PID only, and any still running
 * when this process exits are SIGKILLed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './server-process.js';

const CLI = join(REPO_ROOT, 'src', 'cli.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) process.kill(c.pid, 'SIGKILL');
});

export interface AgentOptions {
  readonly hubKubeconfig: string;
  readonly wecKubeconfig: string;
  readonly clusterName: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly logPath: string;
}

export interface AgentProcess {
  readonly pid: number | undefined;
  kill9(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

function exit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => child.once('exit', () => ok()));
}

export async function startAgent(options: AgentOptions): Promise<AgentProcess> {
  const args = [
    '--import',
    TSX,
    CLI,
    'agent',
    '--hub-kubeconfig',
    options.hubKubeconfig,
    '--cluster-name',
    options.clusterName,
    '--kubeconfig',
    options.wecKubeconfig,
    ...Object.entries(options.labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
  ];
  let child: ChildProcess | undefined;
  const launch = (): void => {
    const fd = openSync(options.logPath, 'a');
    try {
      child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', fd] });
    } finally {
      closeSync(fd);
    }
    const c = child;
    live.add(c);
    c.once('exit', () => live.delete(c));
  };
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (c?.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
    process.kill(c.pid, sig);
    await exit(c);
  };
  launch();
  return {
    get pid() {
      return child?.pid;
    },
    kill9: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    async restart() {
      await signal('SIGKILL');
      launch();
    },
  };
}
