/**
 * Deployed as an aggregated API server, the front proxy's CA and header names are the hosting
 * cluster's: kube-apiserver publishes them in ConfigMap kube-system/extension-apiserver-authentication,
 * which the server reads at start with its in-cluster ServiceAccount (apiservice/base/auth-reader.yaml).
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { parseExtensionApiserverAuthentication, type RequestHeaderConfig } from '../auth/request-header.js';

export async function requestHeaderFromCluster(): Promise<{ clientCaPem: string; config: RequestHeaderConfig }> {
  const kc = new KubeConfig();
  kc.loadFromCluster();
  const cm = await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: 'kube-system', name: 'extension-apiserver-authentication' });
  const auth = parseExtensionApiserverAuthentication(cm.data ?? {});
  if (auth.requestHeaderClientCA === undefined) throw new Error('the hosting cluster publishes no requestheader-client-ca-file');
  return { clientCaPem: auth.requestHeaderClientCA, config: auth.requestHeader };
}
