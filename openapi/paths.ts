/**
 * The `paths` of the v2 document, laid out as kube-apiserver lays them out: collection, item,
 * all-namespaces list, watch paths and subresources, each operation tagged with its
 * `x-kubernetes-action` and `x-kubernetes-group-version-kind`. kubectl decides whether the server
 * validates fields by looking for `fieldValidation` on the PATCH operations that carry an
 * object's GVK (wire-formats §4.3), so every PATCH lists it inline.
 */
import { definitionName } from './definitions/packages.js';
import { isBuiltinDefinition, resourceDefinitionName } from './definitions/index.js';
import {
  CUSTOM_PATCH_CONTENT_TYPES, DELETE_COLLECTION_PARAMS, DELETE_PARAMS, LIST_PARAMS, LOG_PARAMS, OBJECT_MEDIA_TYPES,
  P, PATCH_CONTENT_TYPES, PATCH_PARAMS, WATCH_MEDIA_TYPES, WRITE_PARAMS, body, pathParam, type Parameter,
} from './parameters.js';
import type { CatalogResource, GroupVersionKind, Schema } from './types.js';

export interface Response {
  description: string;
  schema?: Schema;
}

export interface Operation {
  description: string;
  consumes: string[];
  produces: string[];
  schemes: string[];
  tags: string[];
  operationId: string;
  parameters?: Parameter[];
  responses: Record<string, Response>;
  /** Absent only on the group-version root (`GET /apis/<g>/<v>/`), as upstream. */
  'x-kubernetes-action'?: string;
  'x-kubernetes-group-version-kind'?: GroupVersionKind;
}

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
export type PathItem = { parameters?: Parameter[] } & { [M in Method]?: Operation };

const STATUS = definitionName('meta.v1.Status');
const WATCH_EVENT = definitionName('meta.v1.WatchEvent');
const DELETE_OPTIONS = definitionName('meta.v1.DeleteOptions');
const PATCH = definitionName('meta.v1.Patch');
const RESOURCE_LIST = definitionName('meta.v1.APIResourceList');

/** Bodies and kinds of subresources that are not the parent object itself. */
const SUBRESOURCE_KINDS: Readonly<Record<string, readonly [alias: string, group: string, version: string, kind: string]>> = {
  scale: ['autoscaling.v1', 'autoscaling', 'v1', 'Scale'],
  token: ['authentication.v1', 'authentication.k8s.io', 'v1', 'TokenRequest'],
  eviction: ['policy.v1', 'policy', 'v1', 'Eviction'],
  binding: ['core.v1', '', 'v1', 'Binding'],
};
const CREATE_ONLY = new Set(['token', 'eviction', 'binding']);
const CONNECT = new Set(['exec', 'attach', 'portforward', 'proxy']);

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
const ok = (name: string): Response => ({ description: 'OK', schema: ref(name) });
const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** `rbac.authorization.k8s.io` → `rbacAuthorization`, '' → `core` (tags and operation ids). */
export function groupTag(group: string): string {
  if (!group) return 'core';
  const parts = group.replace(/\.k8s\.io$/, '').split(/[.-]/);
  return parts.map((p, i) => (i === 0 ? p : pascal(p))).join('');
}

/** URL prefix of a group-version: `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPrefix(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/** All paths of one resource, keyed by path. */
export function resourcePaths(r: CatalogResource): Record<string, PathItem> {
  const b = new PathBuilder(r);
  return b.build();
}

class PathBuilder {
  readonly #r: CatalogResource;
  readonly #def: string;
  readonly #gvk: GroupVersionKind;
  readonly #id: string;
  readonly #prefix: string;
  readonly #ns: string;
  readonly #nsParams: Parameter[];
  readonly #out: Record<string, PathItem> = {};

  constructor(r: CatalogResource) {
    this.#r = r;
    this.#def = resourceDefinitionName(r);
    this.#gvk = { group: r.group, kind: r.kind, version: r.version };
    this.#id = `${pascal(groupTag(r.group))}${pascal(r.version)}${r.namespaced ? 'Namespaced' : ''}${r.kind}`;
    this.#prefix = groupVersionPrefix(r.group, r.version);
    this.#ns = r.namespaced ? '/namespaces/{namespace}' : '';
    this.#nsParams = r.namespaced ? [P.namespace] : [];
  }

  build(): Record<string, PathItem> {
    const { plural, verbs, kind } = this.#r;
    const has = (v: string): boolean => verbs.includes(v);
    const nameParam = pathParam('name', `name of the ${kind}`);
    const collection: PathItem = { parameters: [...this.#nsParams, P.pretty] };
    if (has('list')) collection.get = this.#op('list', `list or watch objects of kind ${kind}`, 'list', [...LIST_PARAMS], { '200': ok(`${this.#def}List`) }, WATCH_MEDIA_TYPES);
    if (has('create')) collection.post = this.#op('create', `create a ${kind}`, 'post', [body(this.#def), ...WRITE_PARAMS], created(this.#def));
    if (has('deletecollection')) {
      const op = this.#op('delete', `delete collection of ${kind}`, 'deletecollection', [body(DELETE_OPTIONS, false), ...DELETE_COLLECTION_PARAMS], { '200': ok(STATUS) });
      // Upstream puts "Collection" after the group-version: deleteCoreV1CollectionNamespacedPod.
      const gv = `${pascal(groupTag(this.#r.group))}${pascal(this.#r.version)}`;
      collection.delete = { ...op, operationId: `delete${gv}Collection${this.#id.slice(gv.length)}` };
    }
    this.#add(`${this.#prefix}${this.#ns}/${plural}`, collection);

    const item: PathItem = { parameters: [nameParam, ...this.#nsParams, P.pretty] };
    if (has('get')) item.get = this.#op('read', `read the specified ${kind}`, 'get', undefined, { '200': ok(this.#def) });
    if (has('update')) item.put = this.#op('replace', `replace the specified ${kind}`, 'put', [body(this.#def), ...WRITE_PARAMS], updated(this.#def));
    if (has('patch')) item.patch = this.#patch('', this.#def, this.#gvk);
    if (has('delete')) item.delete = this.#op('delete', `delete a ${kind}`, 'delete', [body(DELETE_OPTIONS, false), ...DELETE_PARAMS], { '200': ok(STATUS), '202': { description: 'Accepted', schema: ref(STATUS) } });
    this.#add(`${this.#prefix}${this.#ns}/${plural}/{name}`, item);

    if (this.#r.namespaced && has('list')) {
      const id = this.#id.replace('Namespaced', '');
      this.#add(`${this.#prefix}/${plural}`, {
        parameters: [...LIST_PARAMS, P.pretty],
        get: { ...this.#op('list', `list or watch objects of kind ${kind}`, 'list', undefined, { '200': ok(`${this.#def}List`) }, WATCH_MEDIA_TYPES), operationId: `list${id}ForAllNamespaces` },
      });
    }
    if (has('watch')) this.#watchPaths(nameParam);
    for (const sub of this.#r.subresources ?? []) this.#subresource(sub, nameParam);
    return this.#out;
  }

  #watchPaths(nameParam: Parameter): void {
    const { plural, kind } = this.#r;
    const watch = (verb: string, id: string, desc: string): Operation => ({
      ...this.#op(verb, desc, verb === 'watch' ? 'watch' : 'watchlist', undefined, { '200': ok(WATCH_EVENT) }, WATCH_MEDIA_TYPES),
      operationId: id,
    });
    const params = [...LIST_PARAMS, P.pretty];
    this.#add(`${this.#prefix}/watch${this.#ns}/${plural}`, {
      parameters: [...this.#nsParams, ...params],
      get: watch('watchlist', `watch${this.#id}List`, `watch individual changes to a list of ${kind}. deprecated: use the 'watch' parameter with a list operation instead.`),
    });
    this.#add(`${this.#prefix}/watch${this.#ns}/${plural}/{name}`, {
      parameters: [nameParam, ...this.#nsParams, ...params],
      get: watch('watch', `watch${this.#id}`, `watch changes to an object of kind ${kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`),
    });
    if (this.#r.namespaced) {
      this.#add(`${this.#prefix}/watch/${plural}`, {
        parameters: params,
        get: watch('watchlist', `watch${this.#id.replace('Namespaced', '')}ListForAllNamespaces`, `watch individual changes to a list of ${kind}. deprecated: use the 'watch' parameter with a list operation instead.`),
      });
    }
  }

  #subresource(sub: string, nameParam: Parameter): void {
    const { plural, kind } = this.#r;
    const path = `${this.#prefix}${this.#ns}/${plural}/{name}/${sub}`;
    const suffix = pascal(sub);
    const item: PathItem = { parameters: [nameParam, ...this.#nsParams, P.pretty] };
    const special = SUBRESOURCE_KINDS[sub];
    const def = special ? definitionName(`${special[0]}.${special[3]}`) : this.#def;
    const gvk = special ? { group: special[1], kind: special[3], version: special[2] } : this.#gvk;
    if (sub === 'log') {
      item.parameters = [nameParam, ...this.#nsParams, ...LOG_PARAMS, P.pretty];
      item.get = { ...this.#op('read', `read log of the specified ${kind}`, 'get', undefined, { '200': { description: 'OK', schema: { type: 'string' } } }, ['text/plain', 'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']), operationId: `read${this.#id}Log` };
    } else if (CONNECT.has(sub)) {
      item.parameters = [nameParam, ...this.#nsParams];
      const options = { group: this.#r.group, kind: `${kind}${suffix}Options`, version: this.#r.version };
      for (const m of ['get', 'post'] as const) {
        const op = this.#op('connect', `connect ${m.toUpperCase()} requests to ${sub} of ${kind}`, 'connect', undefined, { '200': { description: 'OK', schema: { type: 'string' } } }, ['*/*'], options);
        item[m] = { ...op, operationId: `connect${pascal(m)}${this.#id}${suffix}` };
      }
    } else if (CREATE_ONLY.has(sub)) {
      item.post = { ...this.#op('create', `create ${sub} of a ${kind}`, 'post', [body(def), ...WRITE_PARAMS], created(def), OBJECT_MEDIA_TYPES, gvk), operationId: `create${this.#id}${suffix}` };
    } else if (sub === 'finalize') {
      item.put = { ...this.#op('replace', `replace finalize of the specified ${kind}`, 'put', [body(def), ...WRITE_PARAMS], updated(def), OBJECT_MEDIA_TYPES, gvk), operationId: `replace${this.#id}${suffix}` };
    } else {
      item.get = { ...this.#op('read', `read ${sub} of the specified ${kind}`, 'get', undefined, { '200': ok(def) }, OBJECT_MEDIA_TYPES, gvk), operationId: `read${this.#id}${suffix}` };
      item.put = { ...this.#op('replace', `replace ${sub} of the specified ${kind}`, 'put', [body(def), ...WRITE_PARAMS], updated(def), OBJECT_MEDIA_TYPES, gvk), operationId: `replace${this.#id}${suffix}` };
      item.patch = { ...this.#patch(suffix, def, gvk), description: `partially update ${sub} of the specified ${kind}` };
    }
    this.#add(path, item);
  }

  #patch(suffix: string, def: string, gvk: GroupVersionKind): Operation {
    const op = this.#op('patch', `partially update the specified ${this.#r.kind}`, 'patch', [body(PATCH), ...PATCH_PARAMS], updated(def), OBJECT_MEDIA_TYPES, gvk);
    op.operationId += suffix;
    op.consumes = [...(isBuiltinDefinition(this.#def) ? PATCH_CONTENT_TYPES : CUSTOM_PATCH_CONTENT_TYPES)];
    return op;
  }

  #op(
    verb: string, description: string, action: string, parameters: Parameter[] | undefined,
    responses: Record<string, Response>, produces: readonly string[] = OBJECT_MEDIA_TYPES, gvk: GroupVersionKind = this.#gvk,
  ): Operation {
    const op: Operation = {
      description,
      consumes: ['*/*'],
      produces: [...produces],
      schemes: ['https'],
      tags: [`${groupTag(this.#r.group)}_${this.#r.version}`],
      operationId: `${verb}${this.#id}`,
      ...(parameters ? { parameters } : {}),
      responses: { ...responses, '401': { description: 'Unauthorized' } },
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': { ...gvk },
    };
    return op;
  }

  /** Paths without operations (e.g. the item path of a create-only review) are left out. */
  #add(path: string, item: PathItem): void {
    if (Object.keys(item).every((k) => k === 'parameters')) return;
    this.#out[path] = { ...this.#out[path], ...item };
  }
}

function created(def: string): Record<string, Response> {
  return { '200': ok(def), '201': { description: 'Created', schema: ref(def) }, '202': { description: 'Accepted', schema: ref(def) } };
}

function updated(def: string): Record<string, Response> {
  return { '200': ok(def), '201': { description: 'Created', schema: ref(def) } };
}

/** `GET /apis/<g>/<v>/` (the group-version's resource list), as upstream publishes it. */
export function groupVersionRootPath(group: string, version: string): [string, PathItem] {
  const tag = `${groupTag(group)}_${version}`;
  return [`${groupVersionPrefix(group, version)}/`, {
    get: {
      description: 'get available resources',
      consumes: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
      produces: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
      schemes: ['https'],
      tags: [tag],
      operationId: `get${pascal(groupTag(group))}${pascal(version)}APIResources`,
      responses: { '200': ok(RESOURCE_LIST), '401': { description: 'Unauthorized' } },
    },
  }];
}
