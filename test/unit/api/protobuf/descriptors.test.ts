import assert from 'node:assert/strict';
import {
  PROTO_PACKAGES,
  ROOT_MESSAGES,
  compileField,
  messageTable,
  type ValueType,
} from '../../../../src/api/protobuf/descriptors/index.js';
import { SPECIAL_CONVERTERS } from '../../../../src/api/protobuf/special-types.js';
import { loadProtoMessages, protoReferenceAvailable, type ProtoField } from './helpers/proto-schema.js';

/** Proto field names whose JSON name differs (wire-formats §2.5), keyed `message.protoName`. */
const JSON_NAME_EXCEPTIONS: Readonly<Record<string, string>> = {
  'authentication.v1.BoundObjectReference.uID': 'uid',
};

function protoName(alias: string): string {
  const dot = alias.lastIndexOf('.');
  const pkg = PROTO_PACKAGES[alias.slice(0, dot)];
  assert.ok(pkg, `no proto package for ${alias}`);
  return `${pkg}.${alias.slice(dot + 1)}`;
}

const typeName = (t: ValueType): string => ('scalar' in t ? t.scalar : protoName(t.message));

describe('protobuf descriptors', () => {
  it('name every referenced message, and every root kind', () => {
    for (const [name, specs] of Object.entries(messageTable)) {
      for (const spec of specs) {
        const f = compileField(spec);
        if ('message' in f.value) assert.ok(messageTable[f.value.message], `${name}.${f.json} → ${f.value.message}`);
        if (f.presence === 'inline') assert.ok('message' in f.value && !f.repeated, `${name}.${f.json} inline`);
      }
      assert.equal(new Set(specs.map((s) => s[0])).size, specs.length, `duplicate field number in ${name}`);
    }
    for (const root of ROOT_MESSAGES) assert.ok(messageTable[root], root);
    for (const special of Object.keys(SPECIAL_CONVERTERS)) assert.ok(messageTable[special], special);
  });

  describe('match the v1.35 generated.proto files', function () {
    before(function () {
      if (!protoReferenceAvailable()) this.skip();
    });

    it('field numbers, names, types and repeatedness', () => {
      const protos = loadProtoMessages();
      let checked = 0;
      for (const [name, specs] of Object.entries(messageTable)) {
        const proto = protos.get(protoName(name));
        assert.ok(proto, `${name}: no message ${protoName(name)} in the .proto files`);
        const byNo = new Map<number, ProtoField>(proto.map((p) => [p.no, p]));
        for (const spec of specs) {
          const f = compileField(spec);
          const p = byNo.get(f.no);
          const where = `${name}.${f.json} (#${f.no})`;
          assert.ok(p, `${where}: no such field number`);
          const expectedJson = JSON_NAME_EXCEPTIONS[`${name}.${p.name}`] ?? p.name;
          assert.equal(f.json, expectedJson, `${where}: name`);
          assert.equal(f.repeated, p.repeated, `${where}: repeated`);
          assert.equal(f.mapKey, p.mapKey, `${where}: map key`);
          assert.equal(typeName(f.value), p.type, `${where}: type`);
          checked++;
        }
        // Completeness: a field missing here would be silently dropped as "unknown".
        const mine = new Set(specs.map((s) => s[0]));
        for (const p of proto) assert.ok(mine.has(p.no), `${name}: proto field ${p.name} = ${p.no} has no descriptor`);
      }
      assert.ok(checked > 900, `only ${checked} fields checked`);
    });
  });
});
