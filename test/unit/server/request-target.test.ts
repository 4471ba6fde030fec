import assert from 'node:assert/strict';
import { parseRequestTarget } from '../../../src/server/request-target.js';

/** The reference: what WHATWG URL parsing makes of the target. */
function viaUrl(raw: string): { path: string; query: [string, string][] } {
  const url = new URL(raw, 'http://x');
  return { path: url.pathname, query: [...url.searchParams] };
}

describe('parseRequestTarget', () => {
  const targets = [
    '/',
    '/api/v1/namespaces/default/configmaps/probe',
    '/clusters/wds1/apis/apps/v1/namespaces/ns-1/deployments?labelSelector=app%3Dx&limit=500',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com',
    '/api/v1/namespaces/default/pods?watch=1&resourceVersion=12&allowWatchBookmarks=true',
    '/openapi/v3/apis/apps/v1?hash=ABC',
    '/api/v1/namespaces/default/configmaps/a:b~c',
    '/api/v1/namespaces/../kube-system/secrets',
    '/api/v1/namespaces/./default/secrets/.',
    '/api/v1/namespaces/default/configmaps/..',
    '/api/v1/namespaces/%2e%2e/secrets',
    '/api/v1/namespaces/default/configmaps/caf%C3%A9',
    '/api/v1/namespaces/default/configmaps/with space',
    '//evil/api/v1',
    '/api/v1\\namespaces',
    '/api/v1/pods?fieldSelector=spec.nodeName%3D&x=a+b',
    '/api/v1/pods?x=1#frag',
    '/api/v1/pods?',
    '/metrics',
  ];
  for (const raw of targets) {
    it(raw, () => {
      const got = parseRequestTarget(raw);
      assert.deepEqual({ path: got.path, query: [...got.query] }, viaUrl(raw));
    });
  }
  it('an absent target is the root', () => assert.equal(parseRequestTarget(undefined).path, '/'));
});
