import assert from 'node:assert/strict';
import { dependentActions, namespaceActions, namespaceDeletionConditions, ownerActions, remainingAfterDeletion, type Action } from '../../../src/controllers/lifecycle-rules.js';
import { ObjectIndex, type IndexedObject } from '../../../src/controllers/object-index.js';
import { configmaps, namespaces, secrets } from '../../../src/registry/builtin/core.js';

type Spec = Partial<IndexedObject> & { uid: string };

function indexOf(...objs: Spec[]): ObjectIndex {
  const index = new ObjectIndex();
  for (const o of objs) {
    index.upsert({
      def: configmaps,
      namespace: 'default',
      name: o.uid,
      ownerUids: [],
      deleting: false,
      finalizers: [],
      heldBySpecFinalizer: false,
      ...o,
    });
  }
  return index;
}

const summary = (actions: Action[]): string[] =>
  actions.map((a) =>
    a.kind === 'delete'
      ? `delete ${a.target.uid} ${a.propagation}`
      : a.kind === 'removeOwnerReferences'
        ? `unown ${a.target.uid} from ${a.ownerUids.join(',')}`
        : a.kind === 'removeFinalizer'
          ? `unfinalize ${a.target.uid} ${a.finalizer}`
          : a.kind === 'namespaceConditions'
            ? `report ${a.target.name} ${a.conditions.filter((c) => c.status === 'True').map((c) => c.type).join(',') || 'clean'}`
            : `finalize-namespace ${a.target.name}`,
  );

describe('lifecycle rules', () => {
  describe('a dependent', () => {
    const cases: [string, Spec[], string, string[]][] = [
      ['with a live owner is left alone', [{ uid: 'o' }, { uid: 'd', ownerUids: ['o'] }], 'd', []],
      ['whose only owner is gone is deleted in the background', [{ uid: 'd', ownerUids: ['o'] }], 'd', ['delete d Background']],
      ['with one owner gone and one live loses the reference to the gone one', [{ uid: 'o1' }, { uid: 'd', ownerUids: ['o1', 'o2'] }], 'd', ['unown d from o2']],
      ['whose owner waits in the foreground is deleted in the foreground', [{ uid: 'o', deleting: true, finalizers: ['foregroundDeletion'] }, { uid: 'd', ownerUids: ['o'] }], 'd', ['delete d Foreground']],
      ['whose owner orphans it is not deleted', [{ uid: 'o', deleting: true, finalizers: ['orphan'] }, { uid: 'd', ownerUids: ['o'] }], 'd', []],
      ['already being deleted is left alone', [{ uid: 'd', ownerUids: ['o'], deleting: true }], 'd', []],
      ['without owners is left alone', [{ uid: 'd' }], 'd', []],
      ['whose owner is being deleted in the background still counts it as live', [{ uid: 'o', deleting: true, finalizers: ['x'] }, { uid: 'd', ownerUids: ['o'] }], 'd', []],
    ];
    for (const [what, objs, subject, want] of cases) {
      it(what, () => {
        const index = indexOf(...objs);
        assert.deepEqual(summary(dependentActions(index, index.get(subject)!)), want);
      });
    }
  });

  describe('an owner being deleted', () => {
    const cases: [string, Spec[], string, string[]][] = [
      ['with orphan first releases its dependents (and keeps its finalizer meanwhile)', [{ uid: 'o', deleting: true, finalizers: ['orphan'] }, { uid: 'a', ownerUids: ['o'] }, { uid: 'b', ownerUids: ['o', 'x'] }], 'o', ['unown a from o', 'unown b from o']],
      ['with orphan and no dependent left drops its finalizer', [{ uid: 'o', deleting: true, finalizers: ['orphan'] }, { uid: 'a', ownerUids: ['x'] }], 'o', ['unfinalize o orphan']],
      ['in the foreground deletes its dependents first', [{ uid: 'o', deleting: true, finalizers: ['foregroundDeletion'] }, { uid: 'a', ownerUids: ['o'] }, { uid: 'b', ownerUids: ['o'], deleting: true }], 'o', ['delete a Foreground']],
      [
        'in the foreground releases a dependent another owner still holds, instead of deleting it',
        [{ uid: 'o', deleting: true, finalizers: ['foregroundDeletion'] }, { uid: 'x' }, { uid: 'a', ownerUids: ['o', 'x'] }],
        'o',
        ['unown a from o'],
      ],
      ['in the foreground with no dependents left drops its finalizer', [{ uid: 'o', deleting: true, finalizers: ['foregroundDeletion'] }], 'o', ['unfinalize o foregroundDeletion']],
      ['not being deleted does nothing', [{ uid: 'o', finalizers: ['foregroundDeletion'] }, { uid: 'a', ownerUids: ['o'] }], 'o', []],
    ];
    for (const [what, objs, subject, want] of cases) {
      it(what, () => {
        const index = indexOf(...objs);
        assert.deepEqual(summary(ownerActions(index, index.get(subject)!)), want);
      });
    }
  });

  describe('a namespace being deleted', () => {
    const ns = (o: Partial<IndexedObject>): Spec => ({ uid: 'ns', def: namespaces, namespace: '', name: 'team', deleting: true, heldBySpecFinalizer: true, ...o });
    const cases: [string, Spec[], string[]][] = [
      [
        'deletes what is in it, reporting only what will remain after that (nothing here)',
        [ns({}), { uid: 'a', namespace: 'team' }, { uid: 's', namespace: 'team', def: secrets }, { uid: 'elsewhere' }],
        ['report team clean', 'delete a Background', 'delete s Background'],
      ],
      [
        'reports content its finalizers will keep after the deletion it asks for',
        [ns({}), { uid: 'a', namespace: 'team', finalizers: ['example.com/hold'] }, { uid: 's', namespace: 'team', def: secrets }],
        ['report team NamespaceContentRemaining,NamespaceFinalizersRemaining', 'delete a Background', 'delete s Background'],
      ],
      [
        'waits for contents already being deleted, reporting the finalizers that hold them',
        [ns({}), { uid: 'a', namespace: 'team', deleting: true, finalizers: ['example.com/hold'] }],
        ['report team NamespaceContentRemaining,NamespaceFinalizersRemaining'],
      ],
      ['once empty, removes its spec finalizer', [ns({})], ['report team clean', 'finalize-namespace team']],
      ['already finalized does nothing', [ns({ heldBySpecFinalizer: false })], []],
      ['not being deleted does nothing', [ns({ deleting: false }), { uid: 'a', namespace: 'team' }], []],
    ];
    for (const [what, objs, want] of cases) {
      it(what, () => {
        const index = indexOf(...objs);
        assert.deepEqual(summary(namespaceActions(index, index.get('ns')!)).sort(), want.sort());
      });
    }

    it('reports what remains in the namespace controller\'s words', () => {
      const index = indexOf(
        { uid: 'a', namespace: 'team', finalizers: ['example.com/hold'] },
        { uid: 'b', namespace: 'team', finalizers: ['example.com/hold', 'a.io/x'] },
        { uid: 's', namespace: 'team', def: secrets },
      );
      const byType = Object.fromEntries(namespaceDeletionConditions(index.inNamespace('team')).map((c) => [c.type, c]));
      assert.deepEqual(Object.keys(byType), [
        'NamespaceDeletionDiscoveryFailure',
        'NamespaceDeletionGroupVersionParsingFailure',
        'NamespaceDeletionContentFailure',
        'NamespaceContentRemaining',
        'NamespaceFinalizersRemaining',
      ]);
      assert.equal(byType['NamespaceDeletionContentFailure']!.status, 'False');
      assert.deepEqual(byType['NamespaceContentRemaining'], {
        type: 'NamespaceContentRemaining',
        status: 'True',
        reason: 'SomeResourcesRemain',
        message: 'Some resources are remaining: configmaps. has 2 resource instances, secrets. has 1 resource instances',
      });
      assert.deepEqual(byType['NamespaceFinalizersRemaining'], {
        type: 'NamespaceFinalizersRemaining',
        status: 'True',
        reason: 'SomeFinalizersRemain',
        message: 'Some content in the namespace has finalizers remaining: a.io/x in 1 resource instances, example.com/hold in 2 resource instances',
      });
      const empty = Object.fromEntries(namespaceDeletionConditions([]).map((c) => [c.type, c]));
      // What the report is computed from: objects held by finalizers or already going, not those
      // this pass deletes outright.
      assert.deepEqual(
        remainingAfterDeletion(index.inNamespace('team')).map((o) => o.uid).sort(),
        ['a', 'b'],
      );
      assert.equal(empty['NamespaceContentRemaining']!.reason, 'ContentRemoved');
      assert.equal(empty['NamespaceFinalizersRemaining']!.reason, 'ContentHasNoFinalizers');
    });
  });
});
