/**
 * Descriptions and required-ness of the client library's models. The runtime metadata
 * (`attributeTypeMap`) has neither; the generated declaration files have both, as JSDoc comments
 * and as `?` optional markers. kubectl explain needs the descriptions and client-side validation
 * needs `required`, so we read the declarations once, on first use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ModelDocs {
  readonly description?: string;
  readonly properties: ReadonlyMap<string, { readonly description?: string; readonly required: boolean }>;
}

let modelsDir: string | undefined;
const cache = new Map<string, ModelDocs | undefined>();

function dir(): string {
  modelsDir ??= join(dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')), 'gen', 'models');
  return modelsDir;
}

/** Docs of one model class; undefined when its declaration file cannot be read. */
export function modelDocs(className: string): ModelDocs | undefined {
  if (cache.has(className)) return cache.get(className);
  let docs: ModelDocs | undefined;
  try {
    docs = parseDeclaration(readFileSync(join(dir(), `${className}.d.ts`), 'utf8'));
  } catch {
    docs = undefined;
  }
  cache.set(className, docs);
  return docs;
}

const PROPERTY = /^ {4}'([^']+)'(\?)?:/;

/** Parses the shape openapi-generator emits: a class comment, then one comment per property. */
export function parseDeclaration(text: string): ModelDocs {
  const lines = text.split('\n');
  const properties = new Map<string, { description?: string; required: boolean }>();
  let description: string | undefined;
  let pending: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === '/**') {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i]!.trim() !== '*/'; i++) body.push(lines[i]!.trim().replace(/^\* ?/, ''));
      pending = unescape(body.join('\n').trim());
      // The file header ("Kubernetes / No description provided ...") is not a description.
      if (pending.startsWith('Kubernetes\nNo description provided')) pending = undefined;
      continue;
    }
    if (trimmed.startsWith('export declare class ')) {
      description = pending;
      pending = undefined;
      continue;
    }
    const m = PROPERTY.exec(line);
    if (m) {
      properties.set(m[1]!, { description: pending || undefined, required: m[2] !== '?' });
      pending = undefined;
    } else if (trimmed) {
      pending = undefined;
    }
  }
  return { description: description || undefined, properties };
}

/** The generator escapes quotes and backslashes inside comments. */
function unescape(s: string): string {
  return s.replace(/\\(['"\\])/g, '$1');
}
