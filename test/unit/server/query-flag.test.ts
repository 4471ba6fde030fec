import assert from 'node:assert/strict';
import { queryFlag } from '../../../src/server/query-flag.js';
import { parseRequestInfo } from '../../../src/server/request-info.js';

describe('boolean query parameters', () => {
  const cases: [string, boolean | undefined][] = [
    ['', undefined],
    ['watch=true', true],
    ['watch=True', true],
    ['watch=TRUE', true],
    ['watch=1', true],
    ['watch=yes', true],
    ['watch=', true],
    ['watch=false', false],
    ['watch=False', false],
    ['watch=FALSE', false],
    ['watch=0', false],
    ['watch=0&watch=true', false],
  ];
  for (const [q, want] of cases) {
    it(`?${q} is ${String(want)}`, () => assert.equal(queryFlag(new URLSearchParams(q), 'watch'), want));
  }

  it('make a list a watch whenever kube-apiserver would', () => {
    const verb = (q: string) => {
      const query = new URLSearchParams(q);
      const info = parseRequestInfo('GET', '/api/v1/namespaces/default/configmaps', query);
      return info.kind === 'resource' ? info.verb : info.kind;
    };
    assert.equal(verb('watch=True'), 'watch');
    assert.equal(verb('watch=false'), 'list');
    assert.equal(verb(''), 'list');
  });
});
