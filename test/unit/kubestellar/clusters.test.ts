import assert from 'node:assert/strict';
import type { LabelSelector } from '../../../src/api/label-selector.js';
import { clusterSelectorsMatch, selectClusters, type ClusterLabels } from '../../../src/kubestellar/binding/clusters.js';
import { isWorkloadResource, parseApiGroups } from '../../../src/kubestellar/binding/exclusions.js';

const clusters: ClusterLabels[] = [
  { name: 'cluster2', labels: { 'location-group': 'edge', name: 'cluster2', region: 'eu' } },
  { name: 'cluster1', labels: { 'location-group': 'edge', name: 'cluster1', region: 'us' } },
  { name: 'core', labels: { name: 'core' } },
  { name: 'bare', labels: undefined },
];

describe('selectClusters (spec §2.4)', () => {
  const cases: [string, (LabelSelector | null)[] | null | undefined, string[]][] = [
    ['absent selectors select no cluster', undefined, []],
    ['null selectors select no cluster', null, []],
    ['empty selectors select no cluster', [], []],
    ['[{}] selects every cluster, sorted', [{}], ['bare', 'cluster1', 'cluster2', 'core']],
    ['matchLabels', [{ matchLabels: { 'location-group': 'edge' } }], ['cluster1', 'cluster2']],
    ['selectors are ORed and the union is distinct', [{ matchLabels: { name: 'cluster1' } }, { matchLabels: { 'location-group': 'edge' } }, { matchLabels: { name: 'core' } }], ['cluster1', 'cluster2', 'core']],
    ['matchLabels and matchExpressions are ANDed', [{ matchLabels: { 'location-group': 'edge' }, matchExpressions: [{ key: 'region', operator: 'In', values: ['eu'] }] }], ['cluster2']],
    ['NotIn includes unlabelled clusters', [{ matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['us'] }] }], ['bare', 'cluster2', 'core']],
    ['DoesNotExist', [{ matchExpressions: [{ key: 'region', operator: 'DoesNotExist' }] }], ['bare', 'core']],
    ['no cluster matches', [{ matchLabels: { name: 'cluster9' } }], []],
    ['an unconvertible selector matches nothing', [{ matchExpressions: [{ key: 'region', operator: 'Gt', values: ['1'] }] }], []],
    ['an unconvertible selector does not spoil a good one', [{ matchLabels: { 'bad key!': 'x' } }, { matchLabels: { name: 'core' } }], ['core']],
  ];
  for (const [name, selectors, want] of cases) {
    it(name, () => assert.deepEqual(selectClusters(selectors, clusters), want));
  }

  it('lists a cluster once even when the inventory repeats it', () => {
    assert.deepEqual(selectClusters([{}], [clusters[0]!, clusters[0]!]), ['cluster2']);
  });
});

describe('clusterSelectorsMatch', () => {
  const cases: [string, (LabelSelector | null)[] | undefined, Record<string, string> | undefined, boolean][] = [
    ['no selectors', [], { a: 'b' }, false],
    ['absent selectors', undefined, { a: 'b' }, false],
    ['{} matches an unlabelled cluster', [{}], undefined, true],
    ['match', [{ matchLabels: { a: 'b' } }], { a: 'b', c: 'd' }, true],
    ['value differs', [{ matchLabels: { a: 'b' } }], { a: 'c' }, false],
    ['second selector matches', [{ matchLabels: { a: 'x' } }, { matchExpressions: [{ key: 'c', operator: 'Exists' }] }], { c: '' }, true],
  ];
  for (const [name, selectors, labels, want] of cases) {
    it(name, () => assert.equal(clusterSelectorsMatch(selectors, labels), want));
  }
});

describe('isWorkloadResource (spec §2.1)', () => {
  const listWatch = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
  const cases: [string, string, string, readonly string[], boolean][] = [
    ['deployments', 'apps', 'deployments', listWatch, true],
    ['core configmaps', '', 'configmaps', listWatch, true],
    ['namespaces are workload', '', 'namespaces', listWatch, true],
    ['CRDs are workload', 'apiextensions.k8s.io', 'customresourcedefinitions', listWatch, true],
    ['secrets and serviceaccounts are workload', '', 'serviceaccounts', listWatch, true],
    ['a user CRD named events is workload', 'example.com', 'events', listWatch, true],
    ['flowcontrol group', 'flowcontrol.apiserver.k8s.io', 'flowschemas', listWatch, false],
    ['discovery group', 'discovery.k8s.io', 'endpointslices', listWatch, false],
    ['apiregistration group', 'apiregistration.k8s.io', 'apiservices', listWatch, false],
    ['coordination group (leases)', 'coordination.k8s.io', 'leases', listWatch, false],
    ['KubeStellar control objects', 'control.kubestellar.io', 'bindingpolicies', listWatch, false],
    ['core events', '', 'events', listWatch, false],
    ['events.k8s.io events', 'events.k8s.io', 'events', listWatch, false],
    ['nodes', '', 'nodes', listWatch, false],
    ['csistoragecapacities', 'storage.k8s.io', 'csistoragecapacities', listWatch, false],
    ['csinodes', 'storage.k8s.io', 'csinodes', listWatch, false],
    ['storageclasses are workload', 'storage.k8s.io', 'storageclasses', listWatch, true],
    ['endpoints', '', 'endpoints', listWatch, false],
    ['no watch', 'apps', 'deployments', ['get', 'list'], false],
    ['no list', 'apps', 'deployments', ['get', 'watch'], false],
    ['create-only virtual resource', 'authentication.k8s.io', 'tokenreviews', ['create'], false],
    ['subresource', 'apps', 'deployments/status', listWatch, false],
  ];
  for (const [name, group, resource, verbs, want] of cases) {
    it(name, () => assert.equal(isWorkloadResource(group, resource, verbs), want));
  }

  it('applies an --api-groups allow-list, which always admits KubeStellar and CRDs', () => {
    const allowed = parseApiGroups('apps,,policy');
    assert.deepEqual([...(allowed ?? [])].sort(), ['', 'apiextensions.k8s.io', 'apps', 'control.kubestellar.io', 'policy']);
    assert.equal(isWorkloadResource('apps', 'deployments', listWatch, allowed), true);
    assert.equal(isWorkloadResource('', 'configmaps', listWatch, allowed), true);
    assert.equal(isWorkloadResource('apiextensions.k8s.io', 'customresourcedefinitions', listWatch, allowed), true);
    assert.equal(isWorkloadResource('batch', 'jobs', listWatch, allowed), false);
    // Exclusions still win over the allow-list.
    assert.equal(isWorkloadResource('control.kubestellar.io', 'bindings', listWatch, allowed), false);
    assert.equal(parseApiGroups(''), undefined);
    assert.equal(isWorkloadResource('batch', 'jobs', listWatch, parseApiGroups('')), true);
  });
});
