import assert from 'node:assert/strict';
import { allocateClusterIP, allocateNodePort, inServiceCIDR, isIP } from '../../../../src/registry/builtin/service-alloc.js';

describe('service allocation', () => {
  it('picks cluster IPs from 10.96.0.0/12, above the static band, deterministically per seed', () => {
    const a = allocateClusterIP(new Set(), 'seed-a')!;
    assert.ok(inServiceCIDR(a));
    assert.equal(allocateClusterIP(new Set(), 'seed-a'), a);
    assert.notEqual(allocateClusterIP(new Set(), 'seed-b'), a);
    assert.ok(!a.startsWith('10.96.0.'), 'the first 256 addresses are left for well-known services');
    const next = allocateClusterIP(new Set([a]), 'seed-a')!;
    assert.notEqual(next, a);
    assert.ok(inServiceCIDR(next));
  });

  it('knows the range edges', () => {
    for (const [ip, ok] of [['10.96.0.0', false], ['10.96.0.1', true], ['10.111.255.254', true], ['10.111.255.255', false], ['10.112.0.1', false], ['nope', false]] as const) {
      assert.equal(inServiceCIDR(ip), ok, ip);
    }
  });

  it('picks unique node ports in 30000-32767 and reports exhaustion', () => {
    const taken = new Set<number>();
    for (let i = 0; i < 2768; i++) {
      const p = allocateNodePort(taken, `s${i}`)!;
      assert.ok(p >= 30000 && p <= 32767 && !taken.has(p));
      taken.add(p);
    }
    assert.equal(allocateNodePort(taken, 'full'), undefined);
  });

  it('parses IPv4 and IPv6', () => {
    for (const [s, ok] of [['1.2.3.4', true], ['256.1.1.1', false], ['::1', true], ['2001:db8::ffff', true], ['fe80::1:2:3:4:5:6:7:8', false], ['::ffff:1.2.3.4', true], ['1:2:3:4:5:6:7:8', true], ['x', false]] as const) {
      assert.equal(isIP(s), ok, s);
    }
  });
});
