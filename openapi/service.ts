/**
 * The documents the HTTP layer serves, built lazily and kept until the catalog changes. Building
 * everything takes tens of milliseconds, and clients revalidate with ETags, so the bytes and
 * their validators must stay identical between catalog changes.
 */
import type { Catalog, Published } from './types.js';
import { publishSwagger, type DocumentOptions, type SwaggerDocument } from './v2.js';
import { encodeSwaggerProtobuf } from './v2-protobuf.js';
import { publishV3, type PublishedV3 } from './v3.js';

export interface PublishedBytes {
  readonly bytes: Uint8Array;
  /** Upstream serves the JSON form's ETag for the protobuf too (with `Vary: Accept`). */
  readonly etag: string;
}

export class OpenApiDocuments {
  readonly #opts: DocumentOptions;
  #catalog: Catalog;
  #v2: (Published & { document: SwaggerDocument }) | undefined;
  #v2proto: PublishedBytes | undefined;
  #v3: PublishedV3 | undefined;
  #generation = 0;

  constructor(catalog: Catalog, opts: DocumentOptions = {}) {
    this.#catalog = catalog;
    this.#opts = opts;
  }

  /** Replaces the catalog; documents are rebuilt on next use. */
  setCatalog(catalog: Catalog): void {
    this.#catalog = catalog;
    this.#v2 = this.#v2proto = this.#v3 = undefined;
    this.#generation++;
  }

  /** Increments on every catalog change (useful for Last-Modified bookkeeping). */
  get generation(): number {
    return this.#generation;
  }

  v2(): Published {
    this.#v2 ??= publishSwagger(this.#catalog, this.#opts);
    return this.#v2;
  }

  v2Protobuf(): PublishedBytes {
    if (!this.#v2proto) {
      this.v2();
      const v2 = this.#v2!;
      this.#v2proto = { bytes: encodeSwaggerProtobuf(v2.document), etag: v2.etag };
    }
    return this.#v2proto;
  }

  v3Index(): Published {
    return this.#v3All().index;
  }

  /** A group-version document by index key (`api/v1`, `apis/apps/v1`), or undefined if not served. */
  v3(key: string): Published | undefined {
    return this.#v3All().documents.get(key);
  }

  #v3All(): PublishedV3 {
    if (!this.#v3) {
      this.v2();
      this.#v3 = publishV3(this.#catalog, this.#opts, this.#v2!.document);
    }
    return this.#v3;
  }
}
