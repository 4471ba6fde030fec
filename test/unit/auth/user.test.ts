import assert from 'node:assert/strict';
import { requestAttributes } from '../../../src/auth/attributes.js';
import {
  anonymousUser,
  makeUser,
  matchesServiceAccount,
  parseServiceAccountUsername,
  serviceAccountGroups,
  serviceAccountUser,
  serviceAccountUsername,
  userInfoStatus,
  withAuthenticatedGroup,
} from '../../../src/auth/user.js';
import { parseRequestInfo } from '../../../src/server/request-info.js';

describe('service account usernames', () => {
  it('builds the username and groups', () => {
    assert.equal(serviceAccountUsername('kube-system', 'argocd-manager'), 'system:serviceaccount:kube-system:argocd-manager');
    assert.deepEqual(serviceAccountGroups('kube-system'), ['system:serviceaccounts', 'system:serviceaccounts:kube-system']);
    assert.deepEqual(serviceAccountUser('ns', 'sa', 'u1'), {
      name: 'system:serviceaccount:ns:sa',
      uid: 'u1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns'],
      extra: {},
    });
  });

  const cases: [string, { namespace: string; name: string } | undefined][] = [
    ['system:serviceaccount:default:builder', { namespace: 'default', name: 'builder' }],
    ['system:serviceaccount:kube-system:a.b-c', { namespace: 'kube-system', name: 'a.b-c' }],
    ['system:serviceaccount:ns', undefined],
    ['system:serviceaccount:ns:a:b', undefined],
    ['system:serviceaccount::name', undefined],
    ['system:serviceaccount:ns:', undefined],
    ['system:serviceaccount:Bad:name', undefined],
    ['system:serviceaccount:a.b:name', undefined], // namespace must be a DNS label
    ['system:serviceaccount:ns:Bad_Name', undefined],
    ['system:serviceaccounts:ns:name', undefined],
    ['alice', undefined],
    ['', undefined],
  ];
  for (const [username, want] of cases) {
    it(`parses ${JSON.stringify(username)}`, () => assert.deepEqual(parseServiceAccountUsername(username), want));
  }

  it('matches exactly', () => {
    assert.equal(matchesServiceAccount('ns', 'sa', 'system:serviceaccount:ns:sa'), true);
    assert.equal(matchesServiceAccount('ns', 'sa', 'system:serviceaccount:ns:sa2'), false);
    assert.equal(matchesServiceAccount('ns', 'sa', 'system:serviceaccount:ns2:sa'), false);
    assert.equal(matchesServiceAccount('n', 's:sa', 'system:serviceaccount:n:s:sa'), true);
  });
});

describe('withAuthenticatedGroup', () => {
  const cases: [string, string[], string[]][] = [
    ['alice', [], ['system:authenticated']],
    ['alice', ['dev'], ['dev', 'system:authenticated']],
    ['alice', ['system:authenticated', 'dev'], ['system:authenticated', 'dev']],
    ['alice', ['system:unauthenticated'], ['system:unauthenticated']],
    ['system:anonymous', ['system:unauthenticated'], ['system:unauthenticated']],
  ];
  for (const [name, groups, want] of cases) {
    it(`${name} ${JSON.stringify(groups)}`, () => assert.deepEqual(withAuthenticatedGroup(makeUser(name, groups)).groups, want));
  }
  it('anonymous user', () => assert.deepEqual(anonymousUser(), { name: 'system:anonymous', groups: ['system:unauthenticated'], extra: {} }));
  it('gives one user the same authenticated user each time, leaving it as it was', () => {
    const user = makeUser('alice', ['dev']);
    const first = withAuthenticatedGroup(user);
    assert.equal(withAuthenticatedGroup(user), first);
    assert.deepEqual(user.groups, ['dev']);
    assert.notEqual(withAuthenticatedGroup(makeUser('alice', ['dev'])), first);
  });
});

describe('userInfoStatus', () => {
  it('omits empty fields', () => {
    assert.deepEqual(userInfoStatus(makeUser('a')), { username: 'a' });
    assert.deepEqual(userInfoStatus(makeUser('a', ['g'], { k: ['v'] }, 'u')), { username: 'a', uid: 'u', groups: ['g'], extra: { k: ['v'] } });
  });
});

describe('requestAttributes', () => {
  const user = makeUser('bob');
  const attrs = (method: string, url: string) => {
    const u = new URL(url, 'http://x');
    return requestAttributes(user, parseRequestInfo(method, u.pathname, u.searchParams), method, u.pathname, u.searchParams);
  };
  it('resource request', () => {
    assert.deepEqual(attrs('GET', '/api/v1/namespaces/ns/pods/p/log'), {
      user, verb: 'get', resourceRequest: true, namespace: 'ns', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: 'log', name: 'p', path: '',
    });
  });
  it('list with a metadata.name field selector is attributed to the name', () => {
    const a = attrs('GET', '/apis/apps/v1/namespaces/ns/deployments?fieldSelector=metadata.name%3Dweb&watch=true');
    assert.equal(a.verb, 'watch');
    assert.equal(a.name, 'web');
  });
  it('other field selectors leave the name empty', () => {
    assert.equal(attrs('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1').name, '');
    assert.equal(attrs('GET', '/api/v1/pods?fieldSelector=metadata.name!%3Dx').name, '');
    assert.equal(attrs('GET', '/api/v1/pods?fieldSelector=metadata.name%3D..').name, '');
    assert.equal(attrs('GET', '/api/v1/pods?fieldSelector=%3D%3D%3D').name, '');
  });
  it('discovery and other paths are non-resource requests', () => {
    const a = attrs('GET', '/apis/apps/v1');
    assert.equal(a.resourceRequest, false);
    assert.equal(a.verb, 'get');
    assert.equal(a.path, '/apis/apps/v1');
    assert.equal(attrs('POST', '/healthz').verb, 'post');
  });
});
