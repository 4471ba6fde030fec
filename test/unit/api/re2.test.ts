import assert from 'node:assert/strict';
import { Environment } from '@marcbachmann/cel-js';
import { re2Find, re2FindAll, re2SyntaxError, re2Test } from '../../../src/api/re2.js';
import { routeMatchesToRe2, withRe2Matches } from '../../../src/api/cel-regex.js';

describe('RE2 regular expressions', () => {
  const cases: [string, string, boolean][] = [
    ['^[a-z]+$', 'abc', true],
    ['^[a-z]+$', 'ab1', false],
    ['b', 'abc', true],
    ['^(a+)+$', 'aaaa', true],
    ['(?i)ABC', 'xabcx', true],
    ['^\\d{3}$', '123', true],
  ];
  for (const [pattern, s, want] of cases) it(`${pattern} on ${s} is ${want}`, () => assert.equal(re2Test(pattern, s), want));

  it('stays linear on patterns that make backtracking engines explode', function () {
    this.timeout(10_000); // a backtracking engine takes longer than the universe on these
    assert.equal(re2Test('^(a+)+$', `${'a'.repeat(50_000)}b`), false);
    assert.equal(re2Test('^(a|a)*$', `${'a'.repeat(50_000)}!`), false);
    assert.equal(re2Test('(x+x+)+y', 'x'.repeat(20_000)), false);
  });

  it('finds the leftmost match and all matches, honouring a limit', () => {
    assert.equal(re2Find('[0-9]+', 'ab12cd345'), '12');
    assert.equal(re2Find('[0-9]+', 'abc'), '');
    assert.deepEqual(re2FindAll('[0-9]+', 'ab12cd345e6'), ['12', '345', '6']);
    assert.deepEqual(re2FindAll('[0-9]+', 'ab12cd345e6', 2), ['12', '345']);
    assert.deepEqual(re2FindAll('x*', 'ab'), ['', '', '']);
  });

  it('refuses what RE2 does not accept (backreferences, lookaround) and says why', () => {
    assert.equal(re2SyntaxError('^[a-z]+$'), undefined);
    assert.ok(re2SyntaxError('(a)\\1') !== undefined);
    assert.ok(re2SyntaxError('a(?=b)') !== undefined);
    assert.ok(re2SyntaxError('([') !== undefined);
    assert.throws(() => re2Test('([', 'x'), /invalid regular expression/);
  });
});

describe('CEL matches on RE2', () => {
  const rewrites: [string, string][] = [
    ["self.matches('^a+$')", "self.rematch('^a+$')"],
    ["matches(self, '^a')", "rematch(self, '^a')"],
    ["self.s.matches ('x') && self.t.matches('y')", "self.s.rematch ('x') && self.t.rematch('y')"],
    ["'matches(' + self.matches", "'matches(' + self.matches"],
    ['"a.matches(b)" == self.x', '"a.matches(b)" == self.x'],
    ["r'\\d+(' == 'x' && self.matches('q')", "r'\\d+(' == 'x' && self.rematch('q')"],
    ["'it\\'s matches(' == x", "'it\\'s matches(' == x"],
    ["'''matches(\n''' == self.y", "'''matches(\n''' == self.y"],
    ['self.notmatches(1) || self.matchesAll(2)', 'self.notmatches(1) || self.matchesAll(2)'],
    ["b'\\x00matches(' == x", "b'\\x00matches(' == x"],
  ];
  for (const [source, want] of rewrites) {
    it(`routes ${JSON.stringify(source)}`, () => {
      const out = routeMatchesToRe2(source);
      assert.equal(out, want);
      assert.equal(out.length, source.length, 'positions in compile errors stay right');
    });
  }

  it('evaluates a rewritten rule on RE2, also on input that would hang RegExp', function () {
    this.timeout(10_000);
    const env = withRe2Matches(new Environment()).registerVariable('s', 'string');
    const rule = env.parse(routeMatchesToRe2("s.matches('^(a+)+$')"));
    assert.equal(rule({ s: 'aaaa' }), true);
    assert.equal(rule({ s: `${'a'.repeat(5_000)}b` }), false);
    assert.equal(env.parse(routeMatchesToRe2("matches(s, 'b$')"))({ s: 'ab' }), true);
  });
});
