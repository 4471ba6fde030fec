import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { defaultStorageClass, defaultStorageClassAdmission } from '../../../src/spaces/default-storage-class.js';

const sc = (name: string, created: string, isDefault?: string, beta = false): KubeObject => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name,
    creationTimestamp: created,
    ...(isDefault !== undefined && { annotations: { [beta ? 'storageclass.beta.kubernetes.io/is-default-class' : 'storageclass.kubernetes.io/is-default-class']: isDefault } }),
  },
});
const claim = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec });

describe('DefaultStorageClass admission', () => {
  it('picks the newest default class, the beta annotation counting too', () => {
    const classes = [sc('old', '2026-01-01T00:00:00Z', 'true'), sc('new', '2026-02-01T00:00:00Z', 'true', true), sc('plain', '2026-03-01T00:00:00Z'), sc('no', '2026-04-01T00:00:00Z', 'false')];
    assert.equal(defaultStorageClass(classes)?.metadata.name, 'new');
    assert.equal(defaultStorageClass([sc('plain', '2026-03-01T00:00:00Z')]), undefined);
  });

  const CASES: [string, Record<string, unknown>, string | null | undefined][] = [
    ['no class: the default', {}, 'standard'],
    ['null class: the default', { storageClassName: null }, 'standard'],
    ['"" means none: kept', { storageClassName: '' }, ''],
    ['a class named: kept', { storageClassName: 'fast' }, 'fast'],
  ];
  for (const [name, spec, want] of CASES) {
    it(name, async () => {
      const c = claim(spec);
      await defaultStorageClassAdmission(async () => [sc('standard', '2026-01-01T00:00:00Z', 'true')])('create', c);
      assert.equal((c['spec'] as Record<string, unknown>)['storageClassName'], want);
    });
  }

  it('leaves updates alone', async () => {
    const c = claim({});
    await defaultStorageClassAdmission(async () => [sc('standard', '2026-01-01T00:00:00Z', 'true')])('update', c);
    assert.equal((c['spec'] as Record<string, unknown>)['storageClassName'], undefined);
  });
});
