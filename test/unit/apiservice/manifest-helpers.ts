/**
 * What the apiservice/ suites share: which real kubectl to render with, YAML streams parsed into
 * plain objects, and lookups by kind and name. (Not a test file: mocha loads `*.test.ts` only.)
 */
import assert from 'node:assert/strict';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { pinnedKubectls, type KubectlBinary } from '../../helpers/kubectl.js';
import { REPO_ROOT } from '../../helpers/server-process.js';

/** Manifests are untyped YAML. */
export type Obj = Record<string, any>;

/** The default variant (one replica, LevelDB); its objects are in base/. */
export const DIR = join(REPO_ROOT, 'apiservice');
export const BASE_DIR = join(DIR, 'base');
/** The variant with several replicas on an etcd cluster. */
export const ETCD_DIR = join(DIR, 'etcd');
export const NAMESPACE = 'kubestellar-system';
export const LABEL = 'app.kubernetes.io/name';
export const LABEL_VALUE = 'kubestellar-vwds';

function which(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Oldest and newest pinned kubectl, or the one on PATH. */
export function kubectls(): KubectlBinary[] {
  const pinned = pinnedKubectls();
  if (pinned.length > 0) return pinned.length <= 2 ? pinned : [pinned[0]!, pinned[pinned.length - 1]!];
  const onPath = which('kubectl');
  return onPath === undefined ? [] : [{ version: 'PATH', path: onPath }];
}

export function parseStream(text: string): Obj[] {
  return parseAllDocuments(text)
    .map((doc, i) => {
      assert.deepEqual(doc.errors, [], `document ${i} does not parse`);
      return doc.toJS() as Obj | null;
    })
    .filter((o): o is Obj => o !== null);
}

export const key = (o: Obj): string => `${o['kind']}/${o['metadata']?.['namespace'] ?? ''}/${o['metadata']?.['name']}`;

export function only(objects: Obj[], kind: string, name?: string): Obj {
  const found = objects.filter((o) => o['kind'] === kind && (name === undefined || o['metadata']['name'] === name));
  assert.equal(found.length, 1, `expected one ${kind}${name === undefined ? '' : ` ${name}`}, found ${found.length}`);
  return found[0]!;
}

/** Whether a `matchLabels` selector selects Pods labelled `labels`. */
export function selects(matchLabels: Obj | undefined, labels: Obj | undefined): boolean {
  const wanted = Object.entries(matchLabels ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => labels?.[k] === v);
}
