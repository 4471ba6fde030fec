/**
 * `kubestellar agent --hub-kubeconfig F --cluster-name NAME --kubeconfig F [--label k=v]...`:
 * the work agent as its own process, until SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { parseLabels } from '../commands/create-space.js';
import { runAgent } from './agent.js';

export async function agentMain(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'hub-kubeconfig': { type: 'string' },
      'cluster-name': { type: 'string' },
      kubeconfig: { type: 'string' },
      label: { type: 'string', multiple: true, default: [] },
      'lease-duration-seconds': { type: 'string', default: '60' },
    },
  });
  const hubPath = values['hub-kubeconfig'];
  const wecPath = values.kubeconfig;
  const clusterName = values['cluster-name'];
  if (hubPath === undefined || wecPath === undefined || clusterName === undefined) {
    console.error('usage: kubestellar agent --hub-kubeconfig F --cluster-name NAME --kubeconfig F [--label k=v]...');
    return 2;
  }
  const hub = new KubeConfig();
  hub.loadFromFile(hubPath);
  const wec = new KubeConfig();
  wec.loadFromFile(wecPath);
  const agent = await runAgent({
    hubKubeConfig: hub,
    wecKubeConfig: wec,
    clusterName,
    labels: parseLabels(values.label!),
    leaseDurationSeconds: Number(values['lease-duration-seconds']),
  });
  console.error(`agent for ${clusterName} running`);
  const shutdown = (): void => {
    agent.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return -1;
}
