import assert from 'node:assert/strict';
import { BUILTIN_CATALOG, OpenApiDocuments, buildSwagger, encodeSwaggerProtobuf, type SwaggerDocument } from '../../../openapi/index.js';
import { ProtoWriter } from '../../../openapi/protobuf-writer.js';
import { all, bytesOf, decodeSchema, namedPairs, one, readFields, str } from './proto-reader.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('protobuf writer', () => {
  it('writes varints, strings and nested messages', () => {
    assert.equal(hex(new ProtoWriter().int64(1, 1).finish()), '0801');
    assert.equal(hex(new ProtoWriter().int64(1, 300).finish()), '08ac02');
    assert.equal(hex(new ProtoWriter().int64(1, 2 ** 53 - 1).finish()), '08ffffffffffffff0f');
    assert.equal(hex(new ProtoWriter().int64(1, -1).finish()), '08ffffffffffffffffff01');
    assert.equal(hex(new ProtoWriter().string(2, 'hi').finish()), '12026869');
    assert.equal(hex(new ProtoWriter().string(2, '').finish()), '');
    assert.equal(hex(new ProtoWriter().strings(2, ['', 'a']).finish()), '12001201' + '61');
    assert.equal(hex(new ProtoWriter().message(17, new ProtoWriter().string(1, 'x')).finish()), '8a0103' + '0a0178');
    assert.equal(hex(new ProtoWriter().message(8, new ProtoWriter(), true).finish()), '4200');
    assert.equal(hex(new ProtoWriter().bool(2, false, true).bool(3, false).finish()), '1000');
    assert.equal(hex(new ProtoWriter().double(7, 1.5).finish()), '39000000000000f83f');
  });

  it('encodes the minimal document byte for byte as wire-formats §3.3 shows', () => {
    const doc: SwaggerDocument = {
      swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.33.0' }, paths: {},
      definitions: {
        'io.k8s.api.core.v1.ConfigMap': {
          type: 'object', 'x-kubernetes-group-version-kind': [{ group: '', kind: 'ConfigMap', version: 'v1' }],
        },
      },
      security: [], securityDefinitions: {},
    };
    const out = hex(encodeSwaggerProtobuf(doc));
    const head = '0a03322e30' + '12150a0a' + Buffer.from('Kubernetes').toString('hex') + '1207' + Buffer.from('v1.33.0').toString('hex') + '4200';
    assert.ok(out.startsWith(head), out);
    const gvk = '[{"group":"","kind":"ConfigMap","version":"v1"}]\n';
    assert.ok(out.includes(Buffer.from(gvk).toString('hex')));
    assert.ok(out.includes('b20108' + '0a06' + Buffer.from('object').toString('hex')), 'type as TypeItem');
  });
});

describe('openapi v2 protobuf', () => {
  const doc = buildSwagger({ resources: BUILTIN_CATALOG });
  const bytes = encodeSwaggerProtobuf(doc);
  const top = readFields(bytes);

  it('decodes back to the same header, paths and definition names', () => {
    assert.equal(str(one(top, 1)!), '2.0');
    const info = readFields(bytesOf(one(top, 2)!));
    assert.equal(str(one(info, 1)!), 'Kubernetes');
    assert.equal(str(one(info, 2)!), doc.info.version);
    assert.deepEqual(namedPairs(bytesOf(one(top, 8)!), 2).map(([n]) => n), Object.keys(doc.paths));
    assert.deepEqual(namedPairs(bytesOf(one(top, 9)!), 1).map(([n]) => n), Object.keys(doc.definitions));
  });

  it('round-trips every definition, extensions included', () => {
    for (const [name, value] of namedPairs(bytesOf(one(top, 9)!), 1)) {
      assert.deepEqual(decodeSchema(value), doc.definitions[name], name);
    }
  });

  it('holds what kubectl needs: resolvable refs, GVK lists, PATCH with fieldValidation', () => {
    const defs = Object.fromEntries(namedPairs(bytesOf(one(top, 9)!), 1).map(([n, v]) => [n, decodeSchema(v)]));
    const refs = JSON.stringify(defs).match(/"\$ref":"[^"]*"/g) ?? [];
    for (const r of refs) {
      const target = r.slice(8, -1);
      assert.ok(target.startsWith('#/definitions/') && defs[target.slice(14)], r);
    }
    assert.deepEqual(defs['io.k8s.api.core.v1.ConfigMap']?.['x-kubernetes-group-version-kind'], [
      { group: '', kind: 'ConfigMap', version: 'v1' },
    ]);
    assert.equal(defs['io.k8s.api.core.v1.PodSpec']?.properties?.containers?.['x-kubernetes-patch-merge-key'], 'name');

    const paths = new Map(namedPairs(bytesOf(one(top, 8)!), 2));
    const item = readFields(paths.get('/apis/apps/v1/namespaces/{namespace}/deployments/{name}')!);
    const patch = readFields(bytesOf(one(item, 8)!));
    assert.equal(str(one(patch, 5)!), 'patchAppsV1NamespacedDeployment');
    assert.ok(all(patch, 7).map(str).includes('application/apply-patch+yaml'));
    const queryNames = all(patch, 8).flatMap((p) => {
      const param = readFields(bytesOf(one(readFields(bytesOf(p)), 1)!));
      const nonBody = one(param, 2);
      const query = nonBody && one(readFields(bytesOf(nonBody)), 3);
      return query ? [str(one(readFields(bytesOf(query)), 4)!)] : [];
    });
    assert.ok(queryNames.includes('fieldValidation'));
    const ext = new Map(namedPairs(bytesOf(one(item, 8)!), 13));
    assert.deepEqual(JSON.parse(str(one(readFields(ext.get('x-kubernetes-group-version-kind')!), 2)!)), {
      group: 'apps', kind: 'Deployment', version: 'v1',
    });
    assert.ok(one(top, 12) && one(top, 13), 'security and securityDefinitions');
  });

  it('is cached with the JSON form’s ETag', () => {
    const docs = new OpenApiDocuments({ resources: BUILTIN_CATALOG });
    const pb = docs.v2Protobuf();
    assert.equal(docs.v2Protobuf(), pb);
    assert.equal(pb.etag, docs.v2().etag);
    assert.deepEqual(pb.bytes, bytes);
  });
});
