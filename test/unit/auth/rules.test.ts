import assert from 'node:assert/strict';
import { nonResourceAttributes, resourceAttributes } from '../../../src/auth/attributes.js';
import { ruleAllows, rulesAllow, type PolicyRule } from '../../../src/auth/rbac/rules.js';
import { makeUser } from '../../../src/auth/user.js';

const user = makeUser('alice');

interface Req {
  verb: string;
  group?: string;
  resource: string;
  subresource?: string;
  name?: string;
  namespace?: string;
}
const res = (r: Req) => resourceAttributes(user, r);
const path = (verb: string, p: string) => nonResourceAttributes(user, verb, p);

describe('ruleAllows: resource requests', () => {
  const cases: [string, PolicyRule, Req, boolean][] = [
    ['exact match', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verb: 'get', resource: 'pods' }, true],
    ['other verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verb: 'list', resource: 'pods' }, false],
    ['verb *', { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, { verb: 'deletecollection', resource: 'pods' }, true],
    ['verb * matches special verbs', { verbs: ['*'], apiGroups: [''], resources: ['users'] }, { verb: 'impersonate', resource: 'users' }, true],
    ['verb glob is literal', { verbs: ['g*'], apiGroups: [''], resources: ['pods'] }, { verb: 'get', resource: 'pods' }, false],
    ['other group', { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, { verb: 'get', resource: 'pods' }, false],
    ['group *', { verbs: ['get'], apiGroups: ['*'], resources: ['deployments'] }, { verb: 'get', group: 'apps', resource: 'deployments' }, true],
    ['group * covers core', { verbs: ['get'], apiGroups: ['*'], resources: ['pods'] }, { verb: 'get', resource: 'pods' }, true],
    ['no apiGroups matches nothing', { verbs: ['get'], resources: ['pods'] }, { verb: 'get', resource: 'pods' }, false],
    ['one of several groups', { verbs: ['get'], apiGroups: ['', 'apps'], resources: ['deployments'] }, { verb: 'get', group: 'apps', resource: 'deployments' }, true],
    ['resource *', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, { verb: 'get', resource: 'secrets' }, true],
    ['resource * covers subresources', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, { verb: 'get', resource: 'pods', subresource: 'log' }, true],
    ['bare resource does not cover subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verb: 'get', resource: 'pods', subresource: 'log' }, false],
    ['resource/subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, { verb: 'get', resource: 'pods', subresource: 'log' }, true],
    ['resource/subresource does not cover parent', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, { verb: 'get', resource: 'pods' }, false],
    ['other subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, { verb: 'get', resource: 'pods', subresource: 'exec' }, false],
    ['*/subresource', { verbs: ['update'], apiGroups: ['*'], resources: ['*/status'] }, { verb: 'update', group: 'apps', resource: 'deployments', subresource: 'status' }, true],
    ['*/subresource needs a subresource', { verbs: ['get'], apiGroups: [''], resources: ['*/status'] }, { verb: 'get', resource: 'pods' }, false],
    ['*/subresource other sub', { verbs: ['get'], apiGroups: [''], resources: ['*/status'] }, { verb: 'get', resource: 'pods', subresource: 'log' }, false],
    ['*/subresource suffix is exact', { verbs: ['get'], apiGroups: [''], resources: ['*/atus'] }, { verb: 'get', resource: 'pods', subresource: 'status' }, false],
    ['resource prefix is not a glob', { verbs: ['get'], apiGroups: [''], resources: ['pod*'] }, { verb: 'get', resource: 'pods' }, false],
    ['pods/* is literal', { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, { verb: 'get', resource: 'pods', subresource: 'log' }, false],
    ['resourceNames match', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a', 'b'] }, { verb: 'get', resource: 'configmaps', name: 'b' }, true],
    ['resourceNames miss', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, { verb: 'get', resource: 'configmaps', name: 'c' }, false],
    ['resourceNames never match a nameless list', { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, { verb: 'list', resource: 'configmaps' }, false],
    ['resourceNames never match create', { verbs: ['create'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, { verb: 'create', resource: 'configmaps' }, false],
    ['resourceNames with a list by name (field selector)', { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, { verb: 'list', resource: 'configmaps', name: 'a' }, true],
    ['empty resourceNames match any name', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: [] }, { verb: 'get', resource: 'configmaps', name: 'zz' }, true],
    ['resourceNames * is literal', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['*'] }, { verb: 'get', resource: 'configmaps', name: 'a' }, false],
    ['resourceNames with subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'], resourceNames: ['p1'] }, { verb: 'get', resource: 'pods', subresource: 'log', name: 'p1' }, true],
    ['namespace is irrelevant to a rule', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verb: 'get', resource: 'pods', namespace: 'x' }, true],
    ['nonResourceURLs do not grant resources', { verbs: ['*'], nonResourceURLs: ['*'] }, { verb: 'get', resource: 'pods' }, false],
    ['no verbs', { verbs: [], apiGroups: ['*'], resources: ['*'] }, { verb: 'get', resource: 'pods' }, false],
    ['resource case matters', { verbs: ['get'], apiGroups: [''], resources: ['Pods'] }, { verb: 'get', resource: 'pods' }, false],
  ];
  for (const [title, rule, req, want] of cases) {
    it(title, () => assert.equal(ruleAllows(rule, res(req)), want));
  }
});

describe('ruleAllows: non-resource requests', () => {
  const cases: [string, PolicyRule, string, string, boolean][] = [
    ['exact', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, 'get', '/healthz', true],
    ['other path', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, 'get', '/livez', false],
    ['other verb', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, 'post', '/healthz', false],
    ['verb *', { verbs: ['*'], nonResourceURLs: ['/healthz'] }, 'put', '/healthz', true],
    ['url *', { verbs: ['get'], nonResourceURLs: ['*'] }, 'get', '/anything/at/all', true],
    ['prefix *', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, 'get', '/apis/apps/v1', true],
    ['prefix * matches the bare slash', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, 'get', '/apis/', true],
    ['prefix * does not match without the slash', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, 'get', '/apis', false],
    ['prefix without slash', { verbs: ['get'], nonResourceURLs: ['/heal*'] }, 'get', '/healthz/etcd', true],
    ['double star trimmed', { verbs: ['get'], nonResourceURLs: ['/api**'] }, 'get', '/apis', true],
    ['trailing slash exact', { verbs: ['get'], nonResourceURLs: ['/version/'] }, 'get', '/version', false],
    ['inner star is literal', { verbs: ['get'], nonResourceURLs: ['/a/*/b'] }, 'get', '/a/x/b', false],
    ['resource rules do not grant paths', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, 'get', '/healthz', false],
  ];
  for (const [title, rule, verb, p, want] of cases) {
    it(title, () => assert.equal(ruleAllows(rule, path(verb, p)), want));
  }
});

describe('rulesAllow', () => {
  it('is true when any rule allows', () => {
    const rules: PolicyRule[] = [
      { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['list'], apiGroups: [''], resources: ['pods'] },
    ];
    assert.equal(rulesAllow(rules, res({ verb: 'list', resource: 'pods' })), true);
    assert.equal(rulesAllow(rules, res({ verb: 'watch', resource: 'pods' })), false);
    assert.equal(rulesAllow([], res({ verb: 'get', resource: 'pods' })), false);
  });
});
