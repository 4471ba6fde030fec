import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { ClusterPropertyIndex } from '../../../src/kubestellar/engine/cluster-properties.js';

const mc = (name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}, status: unknown = {}): KubeObject => ({
  apiVersion: 'cluster.open-cluster-management.io/v1',
  kind: 'ManagedCluster',
  metadata: { name, labels, annotations },
  status,
});
const cm = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'customization-properties' }, data });
const props = (i: ClusterPropertyIndex, c: string): Record<string, string> => Object.fromEntries(i.of(c));

describe('ClusterPropertyIndex: the properties of each cluster, from the ITS', () => {
  it('combines the ManagedCluster and its ConfigMap, the ConfigMap winning', () => {
    const i = new ClusterPropertyIndex();
    assert.deepEqual(i.syncClusters([mc('c1', { region: 'east', 'location-group': 'edge' }, { zone: 'a' }), mc('c2')]), ['c1']);
    assert.deepEqual(i.syncConfigMaps([cm('c1', { zone: 'b', clusterURL: 'https://1' })]), ['c1']);
    assert.deepEqual(props(i, 'c1'), { clusterName: 'c1', region: 'east', zone: 'b', clusterURL: 'https://1' });
    assert.deepEqual(props(i, 'c2'), { clusterName: 'c2' });
    assert.deepEqual(props(i, 'unknown'), { clusterName: 'unknown' });
  });

  it('answers whether an event changed the properties, so that no-op changes are ignored', () => {
    const i = new ClusterPropertyIndex();
    i.syncClusters([mc('c1', { region: 'east' })]);
    assert.equal(i.clusterEvent({ type: 'MODIFIED', object: mc('c1', { region: 'east' }, {}, { conditions: [{ type: 'Available' }] }) }), false, 'a status change');
    assert.equal(i.clusterEvent({ type: 'MODIFIED', object: mc('c1', { region: 'east', 'not-an-identifier': 'x' }) }), false, 'a key that is not a property');
    assert.equal(i.clusterEvent({ type: 'MODIFIED', object: mc('c1', { region: 'west' }) }), true);
    assert.equal(i.configMapEvent({ type: 'ADDED', object: cm('c1', { region: 'west' }) }), false, 'the same value from another source');
    assert.equal(i.configMapEvent({ type: 'MODIFIED', object: cm('c1', { region: 'north' }) }), true);
    assert.equal(props(i, 'c1')['region'], 'north');
    assert.equal(i.configMapEvent({ type: 'DELETED', object: cm('c1', {}) }), true);
    assert.equal(props(i, 'c1')['region'], 'west');
    assert.equal(i.clusterEvent({ type: 'DELETED', object: mc('c1') }), true);
    assert.deepEqual(props(i, 'c1'), { clusterName: 'c1' });
  });

  it('a relist answers exactly the clusters whose properties differ', () => {
    const i = new ClusterPropertyIndex();
    i.syncClusters([mc('a', { x: '1' }), mc('b', { x: '1' }), mc('c', { x: '1' })]);
    assert.deepEqual(i.syncClusters([mc('a', { x: '1' }), mc('b', { x: '2' }), mc('d', { x: '1' })]).sort(), ['b', 'c', 'd']);
  });
});
