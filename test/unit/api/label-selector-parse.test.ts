import assert from 'node:assert/strict';
import { StatusError } from '../../../src/api/errors.js';
import { formatLabelSelector, labelsMatch, type Labels } from '../../../src/api/label-selector.js';
import { parseLabelSelector } from '../../../src/api/label-selector-parse.js';

const isBadRequest = (err: unknown): boolean => err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest';

describe('parseLabelSelector: accepted syntax, shown in canonical form', () => {
  const long = 'v'.repeat(63);
  const cases: [string, string][] = [
    ['', ''],
    ['   ', ''],
    ['x=a,y=b,z=c', 'x=a,y=b,z=c'],
    ['x!=a,y=b', 'x!=a,y=b'],
    ['x==a', 'x==a'],
    ['x=', 'x='],
    ['x= ', 'x='],
    ['x==', 'x=='],
    ['x!=', 'x!='],
    ['x=,z= ', 'x=,z='],
    ['x= ,z= ', 'x=,z='],
    ['x', 'x'],
    ['!x', '!x'],
    ['! x', '!x'],
    ['x>1', 'x>1'],
    ['x>1,z<5', 'x>1,z<5'],
    ['x<01', 'x<01'],
    [' x = a , y == b ', 'x=a,y==b'],
    ['\tx\tin\t(a,\nb)\r', 'x in (a,b)'],
    ['x in (b,a,a)', 'x in (a,b)'],
    ['x in ( a , b )', 'x in (a,b)'],
    ['x in(a)', 'x in (a)'],
    ['x notin (a)', 'x notin (a)'],
    ['x in ()', 'x in ()'],
    ['x notin ()', 'x notin ()'],
    ['x in (,)', 'x in ()'],
    ['x in (a,)', 'x in (,a)'],
    ['x in (,a)', 'x in (,a)'],
    ['x in (a,,b)', 'x in (,a,b)'],
    ['x in (,,)', 'x in ()'],
    ['in in (in,notin)', 'in in (in,notin)'],
    ['notin=in', 'notin=in'],
    ['!in', '!in'],
    ['example.com/key=v', 'example.com/key=v'],
    ['kubernetes.io/metadata.name in (default, kube-system)', 'kubernetes.io/metadata.name in (default,kube-system)'],
    ['a=b,a!=c', 'a=b,a!=c'],
    ['z,!y,x=1', 'x=1,!y,z'],
    ['x=a,a=x', 'a=x,x=a'],
    ['app.kubernetes.io/managed-by=Helm,owner=helm', 'app.kubernetes.io/managed-by=Helm,owner=helm'],
    ['x=A_b.c-D', 'x=A_b.c-D'],
    [`${'k'.repeat(63)}=${long}`, `${'k'.repeat(63)}=${long}`],
    [`${'p'.repeat(253)}/k=v`, `${'p'.repeat(253)}/k=v`],
    ['a=b\0ignored garbage', 'a=b'],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input.length > 60 ? `${input.slice(0, 30)}…` : input)} → ${JSON.stringify(want.slice(0, 60))}`, () => {
      assert.equal(formatLabelSelector(parseLabelSelector(input)), want);
    });
  }

  it('returns structured requirements with sorted, de-duplicated set values', () => {
    assert.deepEqual(parseLabelSelector('tier notin (b, a, b),app=web,!legacy,gen>3'), [
      { key: 'app', operator: '=', values: ['web'] },
      { key: 'gen', operator: 'gt', values: ['3'] },
      { key: 'legacy', operator: '!', values: [] },
      { key: 'tier', operator: 'notin', values: ['a', 'b'] },
    ]);
  });

  it('reads `in ()` as the set holding the empty value', () => {
    assert.deepEqual(parseLabelSelector('x in ()'), [{ key: 'x', operator: 'in', values: [''] }]);
  });
});

describe('parseLabelSelector: rejected with 400 BadRequest', () => {
  const cases: string[] = [
    'x=a||y=b',
    'x==a==b',
    'x===a',
    '!x=a',
    '!x in (a)',
    'x<a',
    'x>1.5',
    'x>',
    'x<>1',
    'x>-1',
    'x>9223372036854775808',
    'x in a',
    'x in (a',
    'x in (a b)',
    'x in a)',
    'x in',
    'x notin',
    'x in (=)',
    'x in ((a))',
    'x in (a,=)',
    'x in (a)(b)',
    ',',
    'x,',
    ',x',
    'x,,y',
    '=a',
    '!',
    '!!x',
    '!=a',
    '(x)',
    'x y',
    'x=a b',
    'x=(a)',
    'x=!a',
    'x!',
    'x=a,',
    'A B',
    'Example.com/a=b',
    '/a=b',
    'a/=b',
    'a/b/c=d',
    '-a=b',
    'a-=b',
    'a@b=c',
    `${'k'.repeat(64)}=v`,
    `${'p'.repeat(254)}/k=v`,
    `x=${'v'.repeat(64)}`,
    'x=-a',
    'x=a-',
    'x=é',
    'x in (a,-b)',
    'x notin (a/b)',
  ];
  for (const input of cases) {
    it(JSON.stringify(input.length > 60 ? `${input.slice(0, 30)}…` : input), () => {
      assert.throws(() => parseLabelSelector(input), isBadRequest);
    });
  }
});

describe('parsed selectors matching labels', () => {
  const cases: [string, Labels, boolean][] = [
    ['', {}, true],
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x=y', { x: 'z' }, false],
    ['x=y', {}, false],
    ['x==y', { x: 'y' }, true],
    ['x!=y', {}, true],
    ['x!=y', { x: 'y' }, false],
    ['x!=y', { x: 'z' }, true],
    ['x=', { x: '' }, true],
    ['x=', {}, false],
    ['x!=', {}, true],
    ['x!=', { x: '' }, false],
    ['x!=', { x: 'a' }, true],
    ['x in (a,b)', { x: 'a' }, true],
    ['x in (a,b)', { x: 'c' }, false],
    ['x in (a,b)', {}, false],
    ['x in ()', { x: '' }, true],
    ['x in ()', {}, false],
    ['x notin (a,b)', {}, true],
    ['x notin (a,b)', { x: 'a' }, false],
    ['x notin (a,b)', { x: 'c' }, true],
    ['x notin ()', { x: '' }, false],
    ['x', { x: '' }, true],
    ['x', { y: 'x' }, false],
    ['!x', {}, true],
    ['!x', { x: '' }, false],
    ['x>1', { x: '2' }, true],
    ['x>1', { x: '1' }, false],
    ['x>1', { x: 'a' }, false],
    ['x>1', {}, false],
    ['x<1', { x: '0' }, true],
    ['x<1', { x: '-5' }, true],
    ['x<1', { x: '99999999999999999999' }, false],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true],
    ['owner=helm,status in (deployed,superseded)', { owner: 'helm', name: 'r', status: 'deployed' }, true],
    ['owner=helm,status in (deployed,superseded)', { owner: 'helm', status: 'pending' }, false],
    ['constructor', {}, false],
    ['!toString', {}, true],
    ['hasOwnProperty=x', {}, false],
  ];
  for (const [selector, labels, want] of cases) {
    it(`${JSON.stringify(selector)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(labels)}`, () => {
      assert.equal(labelsMatch(parseLabelSelector(selector), labels), want);
    });
  }

  it('treats missing labels like an empty map', () => {
    assert.equal(labelsMatch(parseLabelSelector('!a,b!=c'), undefined), true);
    assert.equal(labelsMatch(parseLabelSelector('a'), undefined), false);
  });
});
