import assert from 'node:assert/strict';
import { healthAnswer } from '../../../src/server/health.js';

describe('health endpoints (kube-apiserver healthz format)', () => {
  const cases: [string, string, number | undefined, string | RegExp][] = [
    ['/readyz', '', 200, 'ok'],
    ['/livez', '', 200, 'ok'],
    ['/healthz', '', 200, 'ok'],
    ['/readyz/ping', '', 200, 'ok'],
    ['/livez/etcd', '', 200, 'ok'],
    ['/readyz/shutdown', '', 200, 'ok'],
    ['/livez/shutdown', '', undefined, ''],
    ['/readyz/nope', '', undefined, ''],
    ['/readyzz', '', undefined, ''],
    ['/readyz', 'verbose', 200, /^\[\+\]ping ok\n\[\+\]log ok\n\[\+\]etcd ok\n\[\+\]etcd-readiness ok\n\[\+\]informer-sync ok\n\[\+\]shutdown ok\nreadyz check passed\n$/],
    ['/livez', 'verbose=1', 200, /^\[\+\]ping ok\n\[\+\]log ok\n\[\+\]etcd ok\nlivez check passed\n$/],
    ['/livez', 'verbose&exclude=etcd', 200, /\[\+\]etcd excluded: ok\nlivez check passed\n$/],
    ['/healthz', 'verbose&exclude=bogus', 200, /warn: some health checks cannot be excluded: no matches for "bogus"\nhealthz check passed\n$/],
  ];
  for (const [path, query, code, body] of cases) {
    it(`${path}?${query} → ${code ?? 404}`, () => {
      const a = healthAnswer(path, new URLSearchParams(query));
      if (code === undefined) return assert.equal(a, undefined);
      assert.equal(a?.code, code);
      if (typeof body === 'string') assert.equal(a?.body, body);
      else assert.match(a!.body, body);
    });
  }
});
