import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { AUTOMANAGED_LABEL, registrationChanges, wantedApiServices } from '../../../src/controllers/apiservice-registration.js';

const stored = (name: string, spec: Record<string, unknown>, automanaged?: string): KubeObject => ({
  apiVersion: 'apiregistration.k8s.io/v1',
  kind: 'APIService',
  metadata: { name, ...(automanaged !== undefined && { labels: { [AUTOMANAGED_LABEL]: automanaged } }) },
  spec,
});

describe('APIService autoregistration', function () {
  it('names and prioritizes what a space serves as kube-aggregator does', function () {
    const wanted = wantedApiServices([
      { group: '', versions: ['v1'] },
      { group: 'apps', versions: ['v1'] },
      { group: 'autoscaling', versions: ['v2', 'v1'] },
      { group: 'apiregistration.k8s.io', versions: ['v1'] },
      { group: 'control.kubestellar.io', versions: ['v1alpha1'] },
      { group: 'example.com', versions: ['v1', 'v1beta1'] },
    ]);
    assert.deepEqual(
      wanted.map((w) => [w.name, w.spec.groupPriorityMinimum, w.spec.versionPriority, w.automanaged]),
      [
        ['v1.', 18000, 1, 'onstart'],
        ['v1.apps', 17800, 15, 'onstart'],
        ['v2.autoscaling', 17500, 30, 'onstart'],
        ['v1.autoscaling', 17500, 15, 'onstart'],
        // The aggregator's own group has none; everything not built in is registered like a CRD.
        ['v1alpha1.control.kubestellar.io', 1000, 100, 'true'],
        ['v1.example.com', 1000, 100, 'true'],
        ['v1beta1.example.com', 1000, 100, 'true'],
      ],
    );
    assert.deepEqual(wanted[0]!.spec, { group: '', version: 'v1', groupPriorityMinimum: 18000, versionPriority: 1 });
  });

  const wanted = wantedApiServices([
    { group: 'apps', versions: ['v1'] },
    { group: 'example.com', versions: ['v1'] },
  ]);
  const apps = { group: 'apps', version: 'v1', groupPriorityMinimum: 17800, versionPriority: 15 };
  const example = { group: 'example.com', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 100 };
  const cases: [string, KubeObject[], boolean, { create: string[]; update: string[]; delete: string[] }][] = [
    ['an empty space gets every one', [], true, { create: ['v1.apps', 'v1.example.com'], update: [], delete: [] }],
    ['nothing to do when all are in place', [stored('v1.apps', apps, 'onstart'), stored('v1.example.com', example, 'true')], false, { create: [], update: [], delete: [] }],
    ['an edited spec is put back', [stored('v1.apps', { ...apps, versionPriority: 3 }, 'onstart'), stored('v1.example.com', example, 'true')], false, { create: [], update: ['v1.apps'], delete: [] }],
    ['a changed automanaged label is put back', [stored('v1.apps', apps, 'true'), stored('v1.example.com', example, 'true')], false, { create: [], update: ['v1.apps'], delete: [] }],
    ['an unlabelled one of the same name is left alone', [stored('v1.apps', { ...apps, versionPriority: 3 }), stored('v1.example.com', example, 'true')], false, { create: [], update: [], delete: [] }],
    ['a CRD group-version that went is removed at once', [stored('v1.apps', apps, 'onstart'), stored('v1.example.com', example, 'true'), stored('v1.gone.io', { ...example, group: 'gone.io' }, 'true')], false, { create: [], update: [], delete: ['v1.gone.io'] }],
    ['a built-in one no longer served is removed on the first sync only', [stored('v1.apps', apps, 'onstart'), stored('v1.example.com', example, 'true'), stored('v1beta1.old', { group: 'old', version: 'v1beta1' }, 'onstart')], true, { create: [], update: [], delete: ['v1beta1.old'] }],
    ['... and kept after it', [stored('v1.apps', apps, 'onstart'), stored('v1.example.com', example, 'true'), stored('v1beta1.old', { group: 'old', version: 'v1beta1' }, 'onstart')], false, { create: [], update: [], delete: [] }],
    ['a chart\'s APIService is never touched', [stored('v1.apps', apps, 'onstart'), stored('v1.example.com', example, 'true'), stored('v1beta1.metrics.k8s.io', { group: 'metrics.k8s.io', version: 'v1beta1', service: { namespace: 'kube-system', name: 'metrics-server' } })], true, { create: [], update: [], delete: [] }],
  ];
  for (const [what, existing, first, expected] of cases) {
    it(what, function () {
      const c = registrationChanges(wanted, existing, first);
      assert.deepEqual({ create: c.create.map((w) => w.name), update: c.update.map((w) => w.name), delete: c.delete }, expected);
    });
  }
});
