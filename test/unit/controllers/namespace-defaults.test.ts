import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { namespaceDefaultsActions, ROOT_CA_DESCRIPTION, type DefaultsAction } from '../../../src/controllers/namespace-defaults.js';

const CA = '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n';
const ns = (deleting = false): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', ...(deleting && { deletionTimestamp: '2025-01-01T00:00:00Z' }) } });
const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'n' } };
const cm = (data: Record<string, string>, described = true): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'kube-root-ca.crt', namespace: 'n', ...(described && { annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION } }) },
  data,
});

describe('namespace defaults', () => {
  const cases: [string, KubeObject | undefined, KubeObject | undefined, KubeObject | undefined, DefaultsAction[]][] = [
    ['a new namespace gets both', ns(), undefined, undefined, ['createServiceAccount', 'createConfigMap']],
    ['all in place: nothing', ns(), sa, cm({ 'ca.crt': CA }), []],
    ['a deleted ServiceAccount is created again', ns(), undefined, cm({ 'ca.crt': CA }), ['createServiceAccount']],
    ['a deleted ConfigMap is created again', ns(), sa, undefined, ['createConfigMap']],
    ['changed CA data is restored', ns(), sa, cm({ 'ca.crt': 'other' }), ['restoreConfigMap']],
    ['an added key is removed', ns(), sa, cm({ 'ca.crt': CA, extra: 'x' }), ['restoreConfigMap']],
    ['a lost description is restored', ns(), sa, cm({ 'ca.crt': CA }, false), ['restoreConfigMap']],
    ['a namespace being deleted gets nothing back', ns(true), undefined, undefined, []],
    ['an unknown namespace: nothing', undefined, undefined, undefined, []],
  ];
  for (const [what, n, s, c, want] of cases) it(what, () => assert.deepEqual(namespaceDefaultsActions(n, s, c, CA), want));
});
