import assert from 'node:assert/strict';
import {
  globalDefaultClass,
  globalDefaultConflict,
  resolvePodPriority,
  type PodPriorityDecision,
  type PodPriorityFields,
  type PriorityClassInfo,
} from '../../../src/spaces/priority-admission.js';

const high: PriorityClassInfo = { name: 'high', value: 1000, preemptionPolicy: 'Never', globalDefault: false };
const gd: PriorityClassInfo = { name: 'gd', value: 100, preemptionPolicy: 'PreemptLowerPriority', globalDefault: true };
const classes = [high, gd];
const lookup = (name: string) => classes.find((c) => c.name === name);

describe('Priority admission', () => {
  describe('a new pod', () => {
    const cases: [string, PodPriorityFields, PriorityClassInfo | undefined, PodPriorityDecision | 'refused'][] = [
      ['its class gives priority and policy', { priorityClassName: 'high' }, gd, { allowed: true, priorityClassName: 'high', priority: 1000, preemptionPolicy: 'Never' }],
      ['no class: the global default', {}, gd, { allowed: true, priorityClassName: 'gd', priority: 100, preemptionPolicy: 'PreemptLowerPriority' }],
      ['no class and no default: 0', {}, undefined, { allowed: true, priority: 0 }],
      ['an empty class name is no class', { priorityClassName: '' }, undefined, { allowed: true, priority: 0 }],
      ['the same priority as its class is fine', { priorityClassName: 'high', priority: 1000 }, undefined, { allowed: true, priorityClassName: 'high', priority: 1000, preemptionPolicy: 'Never' }],
      ['an unknown class is refused', { priorityClassName: 'nope' }, gd, 'refused'],
      ['a different priority is refused', { priorityClassName: 'high', priority: 5 }, undefined, 'refused'],
      ['a priority without class or default other than 0 is refused', { priority: 5 }, undefined, 'refused'],
      ['a priority differing from the default class is refused', { priority: 0 }, gd, 'refused'],
      ['a different preemption policy is refused', { priorityClassName: 'high', preemptionPolicy: 'PreemptLowerPriority' }, undefined, 'refused'],
      ['without a class any preemption policy stays', { preemptionPolicy: 'Never' }, undefined, { allowed: true, priority: 0 }],
    ];
    for (const [what, spec, dflt, want] of cases) {
      it(what, () => {
        const got = resolvePodPriority(spec, lookup, dflt);
        if (want === 'refused') assert.equal(got.allowed, false);
        else assert.deepEqual(got, want);
      });
    }
  });

  describe('the global default', () => {
    const mk = (name: string, globalDefault: boolean, value = 1): PriorityClassInfo => ({ name, value, globalDefault });
    const cases: [string, 'create' | 'update', PriorityClassInfo, PriorityClassInfo | undefined, boolean][] = [
      ['the first default may be created', 'create', mk('a', true), undefined, true],
      ['a second default may not be created', 'create', mk('b', true), mk('a', true), false],
      ['a class may not become default while another is', 'update', mk('b', true), mk('a', true), false],
      ['the default may be updated', 'update', mk('a', true), mk('a', true), true],
      ['a non-default class is always fine', 'create', mk('b', false), mk('a', true), true],
    ];
    for (const [what, op, pc, current, allowed] of cases) it(what, () => assert.equal(globalDefaultConflict(op, pc, current) === undefined, allowed));

    it('after a race the lowest value is the default', () => {
      assert.equal(globalDefaultClass([mk('a', true, 5), mk('b', true, 3), mk('c', false, 1)])?.name, 'b');
      assert.equal(globalDefaultClass([mk('c', false)]), undefined);
    });
  });
});
