import assert from 'node:assert/strict';
import { isStorageError, openBackend } from '../../../storage/index.js';
import { parseEtcdUrl, type EtcdUrl } from '../../../storage/etcd/url.js';

describe('parseEtcdUrl', () => {
  const good: [string, EtcdUrl][] = [
    ['etcd://127.0.0.1:2379', { endpoints: ['127.0.0.1:2379'], prefix: '/kubestellar/' }],
    ['etcd://127.0.0.1:2379/', { endpoints: ['127.0.0.1:2379'], prefix: '/kubestellar/' }],
    ['ETCD://Etcd-0.example.com:2379', { endpoints: ['Etcd-0.example.com:2379'], prefix: '/kubestellar/' }],
    ['etcd://etcd', { endpoints: ['etcd:2379'], prefix: '/kubestellar/' }],
    [
      'etcd://a:1,b:2,c:3/tenant-a',
      { endpoints: ['a:1', 'b:2', 'c:3'], prefix: '/tenant-a/' },
    ],
    ['etcd://a:1/x/y/', { endpoints: ['a:1'], prefix: '/x/y/' }],
    ['etcd://a:01/p%20q', { endpoints: ['a:1'], prefix: '/p q/' }],
    ['etcd://[::1]:2379,[fe80::1]/p', { endpoints: ['[::1]:2379', '[fe80::1]:2379'], prefix: '/p/' }],
    [
      'etcd://h:2379/kubestellar/?ca=/etc/etcd/ca.crt',
      { endpoints: ['h:2379'], prefix: '/kubestellar/', tls: { ca: '/etc/etcd/ca.crt' } },
    ],
    [
      'etcd://h1:2379,h2:2379?ca=ca.pem&cert=c%2Bd.pem&key=k+1.pem',
      { endpoints: ['h1:2379', 'h2:2379'], prefix: '/kubestellar/', tls: { ca: 'ca.pem', cert: 'c+d.pem', key: 'k+1.pem' } },
    ],
    ['etcd://h:1?cert=c.pem&key=k.pem', { endpoints: ['h:1'], prefix: '/kubestellar/', tls: { cert: 'c.pem', key: 'k.pem' } }],
    ['etcd://h:1/p?', { endpoints: ['h:1'], prefix: '/p/' }],
  ];
  for (const [url, want] of good) {
    it(`parses ${url}`, () => {
      assert.deepEqual(parseEtcdUrl(url), want);
    });
  }

  const bad: [string, RegExp][] = [
    ['etcd://', /no endpoint/],
    ['etcd:///prefix', /no endpoint/],
    ['etcd:/h:1', /expected etcd:\/\//],
    ['http://h:1', /expected etcd:\/\//],
    ['etcd://a:1,,b:2', /empty endpoint/],
    ['etcd://a:1,', /empty endpoint/],
    ['etcd://a:1,a:1', /listed twice/],
    ['etcd://a:0', /bad port/],
    ['etcd://a:65536', /bad port/],
    ['etcd://a:', /bad port/],
    ['etcd://a:x', /bad port/],
    ['etcd://a:1:2', /bad port/],
    ['etcd://-a:1', /bad host/],
    ['etcd://a_b:1', /bad host/],
    ['etcd://[::1', /unterminated IPv6/],
    ['etcd://[::1]x', /unexpected/],
    ['etcd://[zz]:1', /bad IPv6/],
    ['etcd://user:pw@h:1', /user information/],
    ['etcd://h:1/p#frag', /fragments/],
    ['etcd://h:1/%E0%A4%A', /percent-encoding/],
    ['etcd://h:1/%00', /NUL/],
    ['etcd://h:1/%ED%A0%80', /percent-encoding/],
    ['etcd://h:1/\ud800', /well-formed/],
    ['etcd://h:1?tls=true', /unknown parameter "tls"/],
    ['etcd://h:1?ca=', /needs a file name/],
    ['etcd://h:1?ca', /needs a file name/],
    ['etcd://h:1?ca=a&ca=b', /given twice/],
    ['etcd://h:1?cert=c.pem', /cert and key must be given together/],
    ['etcd://h:1?key=k.pem&ca=ca.pem', /cert and key must be given together/],
    ['etcd://h:1?ca=%ZZ', /percent-encoding/],
  ];
  for (const [url, why] of bad) {
    it(`refuses ${url} with InvalidArgument`, () => {
      assert.throws(
        () => parseEtcdUrl(url),
        (e: unknown) => isStorageError(e, 'InvalidArgument') && why.test(e.message),
      );
    });
  }

  it('is what openBackend uses for etcd://, before connecting to anything', async () => {
    await assert.rejects(openBackend('etcd://a:1,,b:2/p'), (e) => isStorageError(e, 'InvalidArgument'));
    await assert.rejects(openBackend('etcd://h:1?ca=/nonexistent/ca.pem'), (e) => isStorageError(e, 'InvalidArgument') && /cannot read etcd CA/.test(e.message));
  });
});
