import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { daemonHash } from '../../../src/simulator/model/daemonset.js';
import { controllerRevision, planRevisions, revisionIdentity, type RevisionOwner } from '../../../src/simulator/model/revisions.js';
import { updateRevision } from '../../../src/simulator/model/statefulset.js';
import { template } from './fixtures.js';

type Obj = Record<string, any>;

const STS: RevisionOwner = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const DS: RevisionOwner = { apiVersion: 'apps/v1', kind: 'DaemonSet' };

const set = (kind: string, image = 'nginx:1.25', spec: Obj = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'web', namespace: 'default', uid: 'set-uid', generation: 1, annotations: { note: 'x' } },
  spec: { selector: { matchLabels: { app: 'web' } }, template: template(image), revisionHistoryLimit: 1, ...spec },
});

const names = (rs: readonly KubeObject[]) => rs.map((r) => r.metadata.name);

describe('simulated ControllerRevisions', () => {
  it('names a StatefulSet revision as its pods\' label and status name it, holding the template patch and the set\'s annotations', () => {
    const sts = set('StatefulSet');
    const cr = controllerRevision(sts, STS, 1) as Obj;
    assert.equal(cr['metadata']['name'], updateRevision(sts));
    assert.deepEqual(cr['metadata']['labels'], { app: 'web', 'controller-revision-hash': revisionIdentity(sts, 'StatefulSet').hash });
    assert.deepEqual(cr['metadata']['ownerReferences'], [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(cr['data'], { spec: { template: { ...template(), $patch: 'replace' } } });
    assert.equal(cr['revision'], 1);
    // newRevision copies the set's annotations (kubernetes.io/change-cause among them).
    assert.deepEqual(cr['metadata']['annotations'], { note: 'x' });
  });

  it('names a DaemonSet revision by its template hash, the label its pods carry, with the set\'s annotations', () => {
    const ds = set('DaemonSet');
    const cr = controllerRevision(ds, DS, 3) as Obj;
    assert.equal(cr['metadata']['name'], `web-${daemonHash(ds)}`);
    assert.equal(cr['metadata']['labels']['controller-revision-hash'], daemonHash(ds));
    assert.deepEqual(cr['metadata']['annotations'], { note: 'x' });
  });

  const v1 = set('StatefulSet', 'nginx:1');
  const v2 = set('StatefulSet', 'nginx:2');
  const v3 = set('StatefulSet', 'nginx:3');
  const rev = (s: KubeObject, n: number) => controllerRevision(s, STS, n);

  it('creates the first revision', () => {
    const plan = planRevisions(v1, STS, [], new Set());
    assert.deepEqual([plan.create?.['revision'], plan.renumber, plan.remove], [1, undefined, []]);
  });

  it('creates the next one for a new template, and leaves an existing newest one be', () => {
    assert.equal(planRevisions(v2, STS, [rev(v1, 1)], new Set())['create']?.['revision'], 2);
    assert.deepEqual(planRevisions(v2, STS, [rev(v1, 1), rev(v2, 2)], new Set()), { remove: [] });
  });

  it('renumbers an old template as the newest when the set goes back to it', () => {
    const plan = planRevisions(v1, STS, [rev(v1, 1), rev(v2, 2)], new Set(), updateRevision(v2));
    assert.deepEqual([plan.create, plan.renumber], [undefined, { name: updateRevision(v1), revision: 3 }]);
  });

  it('removes the oldest revisions beyond the history limit, never one in use', () => {
    const all = [rev(v1, 1), rev(v2, 2), rev(v3, 3)];
    assert.deepEqual(names(planRevisions(v3, STS, all, new Set()).remove), [updateRevision(v1)]);
    assert.deepEqual(names(planRevisions(v3, STS, all, new Set([updateRevision(v1)])).remove), []);
    assert.deepEqual(names(planRevisions(v3, STS, all, new Set(), updateRevision(v1)).remove), []);
  });

  it('names a StatefulSet\'s revision the same before and after its status records collisionCount 0', () => {
    const fresh = set('StatefulSet');
    assert.equal(updateRevision(fresh), updateRevision({ ...fresh, status: { collisionCount: 0 } }));
    assert.notEqual(updateRevision(fresh), updateRevision({ ...fresh, status: { collisionCount: 1 } }));
  });
});
