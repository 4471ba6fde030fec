import { StatusError } from '../../../src/api/errors.js';
import assert from 'node:assert/strict';
import { parseRequestInfo } from '../../../src/server/request-info.js';

describe('parseRequestInfo', () => {
  const q = (s = ''): URLSearchParams => new URLSearchParams(s);
  const cases: [string, string, string, Record<string, unknown>][] = [
    ['GET', '/api', '', { kind: 'api' }],
    ['GET', '/apis', '', { kind: 'apis' }],
    ['GET', '/apis/apps', '', { kind: 'group', group: 'apps' }],
    ['GET', '/api/v1', '', { kind: 'groupVersion', group: '', version: 'v1' }],
    ['GET', '/apis/apps/v1', '', { kind: 'groupVersion', group: 'apps', version: 'v1' }],
    ['GET', '/api/v1/namespaces', '', { resource: 'namespaces', namespace: '', name: '', verb: 'list' }],
    ['GET', '/api/v1/namespaces/team', '', { resource: 'namespaces', namespace: '', name: 'team', verb: 'get' }],
    ['PUT', '/api/v1/namespaces/team/finalize', '', { resource: 'namespaces', name: 'team', subresource: 'finalize', verb: 'update' }],
    ['PATCH', '/api/v1/namespaces/team/status', '', { resource: 'namespaces', name: 'team', subresource: 'status', verb: 'patch' }],
    ['GET', '/api/v1/namespaces/default/configmaps', '', { resource: 'configmaps', namespace: 'default', verb: 'list' }],
    ['GET', '/api/v1/namespaces/default/configmaps', 'watch=true', { resource: 'configmaps', verb: 'watch' }],
    ['GET', '/api/v1/namespaces/default/configmaps', 'watch=1', { resource: 'configmaps', verb: 'watch' }],
    ['GET', '/api/v1/namespaces/default/configmaps', 'watch=false', { verb: 'list' }],
    ['GET', '/api/v1/configmaps', '', { resource: 'configmaps', namespace: '', verb: 'list' }],
    ['POST', '/api/v1/namespaces/default/configmaps', '', { verb: 'create' }],
    ['DELETE', '/api/v1/namespaces/default/configmaps', '', { verb: 'deletecollection' }],
    ['DELETE', '/api/v1/namespaces/default/configmaps/x', '', { name: 'x', verb: 'delete' }],
    ['GET', '/apis/apps/v1/namespaces/web/deployments/d/scale', '', { group: 'apps', resource: 'deployments', name: 'd', subresource: 'scale', verb: 'get' }],
    ['GET', '/healthz', '', { kind: 'nonResource' }],
    // The subresource is one segment; the proxies take the rest as a subpath.
    ['GET', '/api/v1/namespaces/web/services/web:80/proxy/a/b', '', { resource: 'services', name: 'web:80', subresource: 'proxy', subpath: 'a/b', verb: 'get' }],
    ['DELETE', '/api/v1/nodes/n1/proxy/metrics', '', { resource: 'nodes', name: 'n1', subresource: 'proxy', subpath: 'metrics', verb: 'delete' }],
    ['POST', '/api/v1/namespaces/web/pods/p/exec', 'command=ls', { resource: 'pods', name: 'p', subresource: 'exec', subpath: undefined, verb: 'create' }],
  ];
  for (const [method, path, query, want] of cases) {
    it(`${method} ${path}${query ? `?${query}` : ''}`, () => {
      const info = parseRequestInfo(method, path, q(query)) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(want)) assert.equal(info[k], v, k);
    });
  }

  it('decodes escaped path segments', () => {
    const info = parseRequestInfo('GET', '/api/v1/namespaces/def%61ult/configmaps/caf%C3%A9', q('')) as unknown as Record<string, unknown>;
    assert.equal(info['namespace'], 'default');
    assert.equal(info['name'], 'café');
  });

  it('refuses an invalid escape with 400 BadRequest', () => {
    assert.throws(
      () => parseRequestInfo('GET', '/api/v1/namespaces/%zz/configmaps', q('')),
      (err: unknown) => err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest',
    );
  });
});
