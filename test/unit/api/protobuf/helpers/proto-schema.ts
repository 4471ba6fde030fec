/**
 * Test-only: a tiny regex reader for upstream `generated.proto` files, used as the oracle our hand-kept
 * descriptors are checked against. It understands just what go-to-protobuf emits: top-level `message X { ... }`
 * blocks of `optional|repeated <type> <name> = N;` and `map<K, V> <name> = N;` lines.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ProtoField {
  readonly name: string;
  readonly no: number;
  readonly repeated: boolean;
  /** Fully qualified message name (no leading dot) or a scalar type name; for maps, the value type. */
  readonly type: string;
  readonly mapKey?: string;
}

/** `../shared/reference/proto-v1.35.0` from the repository root. */
export const PROTO_ROOT = fileURLToPath(new URL('../../../../../../shared/reference/proto-v1.35.0/', import.meta.url));

export const protoReferenceAvailable = (): boolean => existsSync(PROTO_ROOT);

const SCALARS = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float', 'sint32', 'sint64']);

function resolve(type: string, pkg: string): string {
  if (SCALARS.has(type)) return type;
  return type.startsWith('.') ? type.slice(1) : `${pkg}.${type}`;
}

function parseFile(text: string, into: Map<string, ProtoField[]>): void {
  const pkg = /^package ([\w.]+);/m.exec(text)?.[1];
  if (pkg === undefined) return;
  for (const m of text.matchAll(/^message (\w+) \{([\s\S]*?)^\}/gm)) {
    const fields: ProtoField[] = [];
    for (const line of (m[2] as string).split('\n')) {
      const plain = /^\s*(optional|repeated) (\S+) (\w+) = (\d+);/.exec(line);
      if (plain) {
        const [, label, type, name, no] = plain as unknown as [string, string, string, string, string];
        fields.push({ name, no: Number(no), repeated: label === 'repeated', type: resolve(type, pkg) });
        continue;
      }
      const map = /^\s*map<(\w+), (\S+)> (\w+) = (\d+);/.exec(line);
      if (map) {
        const [, key, value, name, no] = map as unknown as [string, string, string, string, string];
        fields.push({ name, no: Number(no), repeated: false, type: resolve(value, pkg), mapKey: key });
      }
    }
    into.set(`${pkg}.${m[1] as string}`, fields);
  }
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (entry === 'generated.proto') out.push(p);
  }
}

let cache: Map<string, ProtoField[]> | undefined;

/** Every message of every generated.proto under PROTO_ROOT, by fully qualified name. */
export function loadProtoMessages(): Map<string, ProtoField[]> {
  if (cache === undefined) {
    const files: string[] = [];
    walk(PROTO_ROOT, files);
    cache = new Map();
    for (const f of files) parseFile(readFileSync(f, 'utf8'), cache);
  }
  return cache;
}
