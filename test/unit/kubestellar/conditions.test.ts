import assert from 'node:assert/strict';
import {
  conditionListsSame,
  conditionsEqual,
  setCondition,
  statusCollectorsAvailable,
  type BindingPolicyCondition,
} from '../../../src/kubestellar/status/conditions.js';

const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-01-01T00:05:00Z';
const cond = (type: string, status: string, reason: string, message: string, lastTransitionTime = T0): BindingPolicyCondition => ({ type, status, reason, message, lastTransitionTime });

describe('conditionsEqual (spec §8.5 item 38)', () => {
  const a = cond('Ready', 'True', 'Available', 'ok');
  const cases: [string, BindingPolicyCondition, boolean][] = [
    ['only the time differs', cond('Ready', 'True', 'Available', 'ok', T1), true],
    ['type differs', cond('Synced', 'True', 'Available', 'ok'), false],
    ['status differs', cond('Ready', 'False', 'Available', 'ok'), false],
    ['reason differs', cond('Ready', 'True', 'Unavailable', 'ok'), false],
    ['message differs', cond('Ready', 'True', 'Available', 'ok!'), false],
  ];
  for (const [name, b, want] of cases) it(name, () => assert.equal(conditionsEqual(a, b), want));
});

describe('setCondition', () => {
  const existing = [cond('A', 'False', 'ReasonA', 'MessageA'), cond('B', 'True', 'ReasonB', 'MessageB')];

  it('same content: no change, the timestamp stays', () => {
    const { conditions, changed } = setCondition(existing, { type: 'A', status: 'False', reason: 'ReasonA', message: 'MessageA' }, T1);
    assert.equal(changed, false);
    assert.deepEqual(conditions, existing);
  });

  for (const [field, value] of [
    ['status', 'True'],
    ['reason', 'Other'],
    ['message', 'Other'],
  ] as const) {
    it(`a changed ${field} replaces the condition in place with a new timestamp`, () => {
      const next = { type: 'A', status: 'False', reason: 'ReasonA', message: 'MessageA', [field]: value };
      const { conditions, changed } = setCondition(existing, next, T1);
      assert.equal(changed, true);
      assert.deepEqual(conditions, [{ ...next, lastTransitionTime: T1 }, existing[1]]);
    });
  }

  it('a new type is appended with the timestamp', () => {
    const { conditions, changed } = setCondition(existing, { type: 'C', status: 'Unknown', reason: 'R', message: '' }, T1);
    assert.equal(changed, true);
    assert.deepEqual(conditions, [...existing, cond('C', 'Unknown', 'R', '', T1)]);
  });

  it('does not modify its input', () => {
    const copy = JSON.parse(JSON.stringify(existing)) as BindingPolicyCondition[];
    setCondition(existing, { type: 'A', status: 'True', reason: 'x', message: 'y' }, T1);
    setCondition(existing, { type: 'Z', status: 'True', reason: 'x', message: 'y' }, T1);
    assert.deepEqual(existing, copy);
  });

  it('ignores a timestamp carried by the new content', () => {
    const { conditions } = setCondition([], { ...cond('A', 'True', 'r', 'm', 'stale') }, T1);
    assert.equal(conditions[0]?.lastTransitionTime, T1);
  });
});

describe('conditionListsSame', () => {
  const a = cond('A', 'True', 'r', 'm');
  const b = cond('B', 'False', 'r', 'm');
  const cases: [string, BindingPolicyCondition[], BindingPolicyCondition[], boolean][] = [
    ['both empty', [], [], true],
    ['order ignored', [a, b], [b, a], true],
    ['times ignored', [a], [{ ...a, lastTransitionTime: T1 }], true],
    ['lengths differ', [a], [a, b], false],
    ['content differs', [a, b], [a, { ...b, status: 'True' }], false],
    ['types differ', [a], [b], false],
  ];
  for (const [name, x, y, want] of cases) it(name, () => assert.equal(conditionListsSame(x, y), want));
});

describe('statusCollectorsAvailable (spec §1.7)', () => {
  it('all present', () => {
    assert.deepEqual(statusCollectorsAvailable([]), { type: 'StatusCollectorsAvailable', status: 'True', reason: 'ReconcileSuccess', message: 'All StatusCollector(s) are available' });
  });
  it('some missing: Go slice formatting, sorted', () => {
    assert.deepEqual(statusCollectorsAvailable(['b', 'a']), { type: 'StatusCollectorsAvailable', status: 'False', reason: 'ReconcileError', message: 'Missing StatusCollector(s) [a b]' });
  });
});
