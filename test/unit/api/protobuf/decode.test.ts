import assert from 'node:assert/strict';
import { decodeMessage, decodeProtobufObject } from '../../../../src/api/protobuf/decode.js';
import { isStatusError } from '../../../../src/api/errors.js';
import { encodeEnvelope, encodeMessage, Writer } from './helpers/encoder.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function rejects(fn: () => unknown, code: number, reason: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isStatusError(err), `not a StatusError: ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.reason, reason);
    return true;
  });
}

describe('decodeProtobufObject', () => {
  it('decodes the §2.2 kubectl Secret byte-exactly', () => {
    const body = hex(`6b 38 73 00 0a 0c 0a 02 76 31 12 06 53 65 63 72 65 74 12 30 0a 12 0a 02 73 31 12 00 1a 00 22 00 2a 00
      32 00 38 00 42 00 12 12 0a 08 70 61 73 73 77 6f 72 64 12 06 73 33 63 72 33 74 1a 06 4f 70 61 71 75 65 1a 00 22 00`);
    assert.equal(body.length, 72);
    const d = decodeProtobufObject(body);
    assert.equal(d.apiVersion, 'v1');
    assert.equal(d.kind, 'Secret');
    // creationTimestamp is `omitempty,omitzero` in v1.35, so the zero time is omitted rather than null.
    const expected = { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's1' }, data: { password: 'czNjcjN0' }, type: 'Opaque' };
    assert.deepEqual(d.object, expected);
    assert.equal(JSON.stringify(d.object), JSON.stringify(expected), 'key order follows Go');
  });

  it('decodes the 54-byte protobufjs form of the same Secret identically', () => {
    const body = hex(`6b 38 73 00 0a 0c 0a 02 76 31 12 06 53 65 63 72 65 74 12 22 0a 04 0a 02 73 31 12 12 0a 08 70 61 73 73
      77 6f 72 64 12 06 73 33 63 72 33 74 1a 06 4f 70 61 71 75 65`);
    assert.equal(body.length, 54);
    assert.deepEqual(decodeProtobufObject(body).object, {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's1' },
      data: { password: 'czNjcjN0' },
      type: 'Opaque',
    });
  });

  it('decodes the §2.7 DeleteOptions captures', () => {
    const grace = hex('6b 38 73 00 0a 13 0a 02 76 31 12 0d 44 65 6c 65 74 65 4f 70 74 69 6f 6e 73 12 02 08 05 1a 00 22 00');
    assert.deepEqual(decodeProtobufObject(grace).object, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 5 });
    assert.deepEqual(decodeMessage('meta.v1.DeleteOptions', hex('22 0a 42 61 63 6b 67 72 6f 75 6e 64 2a 03 41 6c 6c')), {
      propagationPolicy: 'Background',
      dryRun: ['All'],
    });
    // A pointer field keeps an explicit zero.
    assert.deepEqual(decodeMessage('meta.v1.DeleteOptions', hex('08 00 22 0a 46 6f 72 65 67 72 6f 75 6e 64')), {
      gracePeriodSeconds: 0,
      propagationPolicy: 'Foreground',
    });
  });

  it('treats an envelope without raw as all defaults, and fills a missing apiVersion from defaults', () => {
    const body = encodeEnvelope('', 'DeleteOptions', new Uint8Array(0), false);
    assert.deepEqual(decodeProtobufObject(body, { apiVersion: 'apps/v1' }).object, { kind: 'DeleteOptions', apiVersion: 'apps/v1' });
  });

  it('keeps [""] elements, sign-extended negatives and IntOrString forms', () => {
    // PolicyRule{verbs:[get], apiGroups:[""], resources:[pods]}: `12 00` is the core group.
    assert.deepEqual(decodeMessage('rbac.v1.PolicyRule', hex('0a 03 67 65 74 12 00 1a 04 70 6f 64 73')), {
      verbs: ['get'],
      apiGroups: [''],
      resources: ['pods'],
    });
    assert.equal(decodeMessage('intstr.IntOrString', hex('08 00 10 ff ff ff ff ff ff ff ff ff 01')), -1);
    assert.equal(decodeMessage('intstr.IntOrString', hex('08 00 10 90 3f 1a 00')), 8080);
    assert.equal(decodeMessage('intstr.IntOrString', hex('08 01 10 00 1a 03 35 30 25')), '50%');
    const negative = new Writer().tag(1, 0).varint(-30).finish();
    assert.deepEqual(decodeMessage('meta.v1.DeleteOptions', negative), { gracePeriodSeconds: -30 });
  });

  it('renders Time, MicroTime, Duration, FieldsV1 and Quantity in their JSON shapes', () => {
    assert.equal(decodeMessage('meta.v1.Time', new Uint8Array(0)), null);
    assert.equal(decodeMessage('meta.v1.Time', hex('08 00')), '1970-01-01T00:00:00Z');
    const t = new Writer().tag(1, 0).varint(1741064767).tag(2, 0).varint(999).finish();
    assert.equal(decodeMessage('meta.v1.Time', t), '2025-03-04T05:06:07Z');
    const mt = new Writer().tag(1, 0).varint(1741064767).tag(2, 0).varint(123456789).finish();
    assert.equal(decodeMessage('meta.v1.MicroTime', mt), '2025-03-04T05:06:07.123456Z');
    const dur = (ns: number): unknown => decodeMessage('meta.v1.Duration', new Writer().tag(1, 0).varint(ns).finish());
    assert.deepEqual([dur(3600e9), dur(90e9), dur(1.5e9), dur(300e6), dur(1500), dur(0)], ['1h0m0s', '1m30s', '1.5s', '300ms', '1.5µs', '0s']);
    assert.deepEqual(decodeMessage('meta.v1.FieldsV1', hex('0a 0e 7b 22 66 3a 72 75 6c 65 73 22 3a 7b 7d 7d')), { 'f:rules': {} });
    assert.equal(decodeMessage('resource.Quantity', new Writer().string(1, '1Gi').finish()), '1Gi');
    assert.equal(decodeMessage('resource.Quantity', new Uint8Array(0)), '0');
  });

  it('merges repeated occurrences of a message field, last scalar wins, accepts packed repeated scalars', () => {
    const meta1 = new Writer().string(1, 'a').string(3, 'ns').finish();
    const meta2 = new Writer().string(1, 'b').finish();
    const secret = new Writer().len(1, meta1).len(1, meta2).string(3, 'x').string(3, 'Opaque').finish();
    assert.deepEqual(decodeMessage('core.v1.Secret', secret), { metadata: { name: 'b', namespace: 'ns' }, type: 'Opaque' });
    const packed = new Writer().len(2, new Writer().varint(1).varint(2).finish()).tag(2, 0).varint(3).finish();
    // ContainerRestartRuleOnExitCodes.values is `repeated int32`.
    assert.deepEqual(decodeMessage('core.v1.ContainerRestartRuleOnExitCodes', packed), { values: [1, 2, 3] });
  });

  it('skips unknown fields of every wire type', () => {
    const w = new Writer().string(3, 'Opaque');
    w.tag(99, 0).varint(5).tag(98, 1);
    const body = [...w.finish(), 1, 2, 3, 4, 5, 6, 7, 8];
    const tail = new Writer().tag(97, 5).finish();
    const more = new Writer().string(96, 'zzz').finish();
    const all = Uint8Array.from([...body, ...tail, 9, 9, 9, 9, ...more]);
    assert.deepEqual(decodeMessage('core.v1.Secret', all), { metadata: {}, type: 'Opaque' });
  });

  describe('malformed input', () => {
    const good = encodeEnvelope('v1', 'ConfigMap', encodeMessage('core.v1.ConfigMap', { metadata: { name: 'c' } }));

    it('rejects a body without the k8s magic', () => {
      rejects(() => decodeProtobufObject(new TextEncoder().encode('{"kind":"ConfigMap"}')), 400, 'BadRequest');
      rejects(() => decodeProtobufObject(hex('6b 38 73 01 0a 00')), 400, 'BadRequest');
      rejects(() => decodeProtobufObject(new Uint8Array(0)), 400, 'BadRequest');
    });

    it('rejects a truncated varint', () => {
      rejects(() => decodeProtobufObject(hex('6b 38 73 00 0a')), 400, 'BadRequest');
      rejects(() => decodeMessage('meta.v1.DeleteOptions', hex('08 ff ff')), 400, 'BadRequest');
      rejects(() => decodeMessage('meta.v1.DeleteOptions', hex('08 ff ff ff ff ff ff ff ff ff ff 01')), 400, 'BadRequest');
    });

    it('rejects a length beyond the buffer, at any depth', () => {
      rejects(() => decodeProtobufObject(good.subarray(0, good.length - 3)), 400, 'BadRequest');
      rejects(() => decodeMessage('core.v1.ConfigMap', hex('0a 05 0a 02 61')), 400, 'BadRequest');
      rejects(() => decodeMessage('core.v1.ConfigMap', hex('0a 03 0a 09 61 62')), 400, 'BadRequest');
    });

    it('rejects a wrong wire type for a known field, and group wire types', () => {
      rejects(() => decodeMessage('core.v1.Secret', hex('18 01')), 400, 'BadRequest');
      rejects(() => decodeMessage('core.v1.Secret', hex('0b 0c')), 400, 'BadRequest');
      rejects(() => decodeMessage('core.v1.Secret', hex('00 01')), 400, 'BadRequest');
    });

    it('rejects invalid special values', () => {
      rejects(() => decodeMessage('intstr.IntOrString', hex('08 02')), 400, 'BadRequest');
      rejects(() => decodeMessage('resource.Quantity', new Writer().string(1, 'lots').finish()), 400, 'BadRequest');
      rejects(() => decodeMessage('meta.v1.FieldsV1', new Writer().string(1, '{nope').finish()), 400, 'BadRequest');
      const huge = new Writer().tag(1, 0).varint(2n ** 60n).finish();
      rejects(() => decodeMessage('meta.v1.DeleteOptions', huge), 400, 'BadRequest');
    });

    it('answers 415 for kinds without a descriptor, 400 for a missing kind', () => {
      const raw = encodeMessage('core.v1.ConfigMap', { metadata: { name: 'c' } });
      rejects(() => decodeProtobufObject(encodeEnvelope('example.com/v1', 'Widget', raw)), 415, 'UnsupportedMediaType');
      rejects(() => decodeProtobufObject(encodeEnvelope('v1', 'PodSpec', raw)), 415, 'UnsupportedMediaType');
      rejects(() => decodeProtobufObject(encodeEnvelope('apps/v1', 'Secret', raw)), 415, 'UnsupportedMediaType');
      rejects(() => decodeProtobufObject(encodeEnvelope('v1', '', raw)), 400, 'BadRequest');
    });
  });
});
