import assert from 'node:assert/strict';
import { SPACE_HOST_WILDCARD, spaceOfServerName, spaceServerName } from '../../../src/spaces/space-host.js';

describe('space server names', function () {
  it('names a space and reads it back', function () {
    assert.equal(spaceServerName('wds1'), 'wds1.spaces.kubestellar.internal');
    assert.equal(spaceOfServerName(spaceServerName('wds1')), 'wds1');
    assert.equal(SPACE_HOST_WILDCARD, '*.spaces.kubestellar.internal');
  });

  const cases: [string | false | null | undefined, string | undefined][] = [
    ['its1.spaces.kubestellar.internal', 'its1'],
    ['WDS1.Spaces.KubeStellar.Internal', 'wds1'],
    ['spaces.kubestellar.internal', undefined],
    ['.spaces.kubestellar.internal', undefined],
    ['a.b.spaces.kubestellar.internal', undefined],
    ['wds1.spaces.kubestellar.internal.evil', undefined],
    ['wds1xspaces.kubestellar.internal', undefined],
    ['localhost', undefined],
    ['127.0.0.1', undefined],
    ['', undefined],
    [false, undefined],
    [null, undefined],
    [undefined, undefined],
  ];
  for (const [name, space] of cases) {
    it(`${JSON.stringify(name)} → ${space ?? 'no space'}`, function () {
      assert.equal(spaceOfServerName(name), space);
    });
  }
});
