import assert from 'node:assert/strict';
import { pathUnescape } from '../../../src/auth/headers.js';
import {
  DEFAULT_REQUEST_HEADER_CONFIG,
  authenticateRequestHeaders,
  isAllowedProxyName,
  parseExtensionApiserverAuthentication,
  requestHeaderNames,
  type HeaderBag,
  type RequestHeaderConfig,
} from '../../../src/auth/request-header.js';

describe('authenticateRequestHeaders', () => {
  const cases: [string, HeaderBag, object | undefined][] = [
    ['no user header: not a proxied request', { 'x-remote-group': ['g'] }, undefined],
    ['empty user header', { 'x-remote-user': [''] }, undefined],
    ['aggregator availability probe', { 'x-remote-user': ['system:kube-aggregator'], 'x-remote-group': ['system:masters'] }, { name: 'system:kube-aggregator', groups: ['system:masters'], extra: {} }],
    ['first value wins for the user', { 'x-remote-user': ['alice', 'mallory'] }, { name: 'alice', groups: [], extra: {} }],
    ['repeated groups, empty ones dropped', { 'x-remote-user': ['alice'], 'x-remote-group': ['a', '', 'b'] }, { name: 'alice', groups: ['a', 'b'], extra: {} }],
    ['a comma stays inside one group', { 'x-remote-user': ['alice'], 'x-remote-group': ['a, b'] }, { name: 'alice', groups: ['a, b'], extra: {} }],
    ['header names are case-insensitive', { 'X-Remote-User': 'alice', 'X-REMOTE-GROUP': ['dev'] }, { name: 'alice', groups: ['dev'], extra: {} }],
    [
      'extras: percent-decoded, lower-cased keys, every value',
      {
        'x-remote-user': ['alice'],
        'x-remote-extra-scopes': ['read', 'write'],
        'x-remote-extra-example.com%2fteam': ['blue'],
        'X-Remote-Extra-Mixed%2FCase': ['v'],
      },
      { name: 'alice', groups: [], extra: { scopes: ['read', 'write'], 'example.com/team': ['blue'], 'mixed/case': ['v'] } },
    ],
    ['a malformed escape keeps the key as sent', { 'x-remote-user': ['a'], 'x-remote-extra-bad%zz': ['v'] }, { name: 'a', groups: [], extra: { 'bad%zz': ['v'] } }],
    ['uid is ignored unless configured', { 'x-remote-user': ['a'], 'x-remote-uid': ['u1'] }, { name: 'a', groups: [], extra: {} }],
  ];
  for (const [title, headers, want] of cases) it(title, () => assert.deepEqual(authenticateRequestHeaders(headers), want));

  it('configured header names, tried in order; uid when configured', () => {
    const config: RequestHeaderConfig = {
      usernameHeaders: ['X-User', 'X-Remote-User'],
      uidHeaders: ['X-Remote-Uid'],
      groupHeaders: ['X-Groups', 'X-Remote-Group'],
      extraHeaderPrefixes: ['X-Extra-', 'X-Remote-Extra-'],
      allowedNames: [],
    };
    assert.deepEqual(
      authenticateRequestHeaders(
        { 'x-user': [''], 'x-remote-user': ['bob'], 'x-remote-uid': ['u-1'], 'x-groups': ['g1'], 'x-remote-group': ['g2'], 'x-extra-k': ['1'], 'x-remote-extra-k': ['2'] },
        config,
      ),
      { name: 'bob', uid: 'u-1', groups: ['g1', 'g2'], extra: { k: ['1', '2'] } },
    );
  });

  it('lists the headers to strip', () => {
    assert.deepEqual(requestHeaderNames({ 'X-Remote-User': 'a', 'x-remote-group': ['g'], 'x-remote-extra-k': ['v'], accept: '*/*' }).sort(), [
      'x-remote-extra-k',
      'x-remote-group',
      'x-remote-user',
    ]);
  });
});

describe('pathUnescape', () => {
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['a%2Fb', 'a/b'],
    ['a%2fb', 'a/b'],
    ['a+b', 'a+b'],
    ['%E2%9C%93', '✓'],
    ['bad%', 'bad%'],
    ['bad%2', 'bad%2'],
    ['bad%zzok%2F', 'bad%zzok%2F'],
  ];
  for (const [input, want] of cases) it(JSON.stringify(input), () => assert.equal(pathUnescape(input), want));
});

describe('extension-apiserver-authentication', () => {
  it('parses the ConfigMap data', () => {
    const parsed = parseExtensionApiserverAuthentication({
      'client-ca-file': 'CA1',
      'requestheader-client-ca-file': 'CA2',
      'requestheader-allowed-names': '["front-proxy-client"]',
      'requestheader-username-headers': '["X-Remote-User"]',
      'requestheader-group-headers': '["X-Remote-Group"]',
      'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
      'requestheader-uid-headers': '["X-Remote-Uid"]',
    });
    assert.deepEqual(parsed, {
      clientCA: 'CA1',
      requestHeaderClientCA: 'CA2',
      requestHeader: {
        usernameHeaders: ['X-Remote-User'],
        uidHeaders: ['X-Remote-Uid'],
        groupHeaders: ['X-Remote-Group'],
        extraHeaderPrefixes: ['X-Remote-Extra-'],
        allowedNames: ['front-proxy-client'],
      },
    });
    assert.equal(isAllowedProxyName('front-proxy-client', parsed.requestHeader), true);
    assert.equal(isAllowedProxyName('other', parsed.requestHeader), false);
  });
  it('defaults what is missing or malformed', () => {
    assert.deepEqual(parseExtensionApiserverAuthentication({ 'requestheader-username-headers': 'not json', 'requestheader-allowed-names': '[]' }), {
      requestHeader: DEFAULT_REQUEST_HEADER_CONFIG,
    });
    assert.deepEqual(parseExtensionApiserverAuthentication(undefined), { requestHeader: DEFAULT_REQUEST_HEADER_CONFIG });
    assert.equal(isAllowedProxyName('anyone', DEFAULT_REQUEST_HEADER_CONFIG), true);
  });
});
