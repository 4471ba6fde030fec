/**
 * Paged lists over the real socket (client-surface §6.1, wire-formats §7): `limit` and `continue`
 * over 250 objects while writes happen between and during the pages. Every page is served at the
 * first page's resourceVersion: no duplicates, no gaps, nothing written later. A continue token
 * whose revision was compacted is 410 Expired. Table and PartialObjectMetadataList render pages too.
 */
import assert from 'node:assert/strict';
import { startInProcess, type HttpResult, type InProcessServer } from '../helpers/in-process.js';

const SPACE = '/clusters/cluster1';
const NS = 'paging';
const PATH = `${SPACE}/api/v1/namespaces/${NS}/configmaps`;
const COUNT = 250;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const POML = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

interface Meta {
  name: string;
  resourceVersion: string;
  labels?: Record<string, string>;
}

const itemName = (i: number): string => `item-${String(i).padStart(3, '0')}`;

describe('paged lists over TLS', function () {
  let h: InProcessServer;
  /** name → resourceVersion right after the 250 creations. */
  const created = new Map<string, string>();

  before(async () => {
    h = await startInProcess();
    const ns = await h.request('POST', `${SPACE}/api/v1/namespaces`, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } });
    assert.equal(ns.status, 201, JSON.stringify(ns.body));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < COUNT) {
        const i = next++;
        const r = await h.request('POST', PATH, {
          body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: itemName(i), labels: { parity: i % 2 === 0 ? 'even' : 'odd' } }, data: { i: String(i) } },
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        created.set(itemName(i), r.body.metadata.resourceVersion);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  });

  after(async () => {
    await h?.stop();
  });

  async function get(path: string, accept?: string): Promise<HttpResult> {
    const r = await h.request('GET', path, accept ? { headers: { Accept: accept } } : {});
    assert.equal(r.status, 200, `GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  }

  /** The full list at exactly this resourceVersion (name → resourceVersion). */
  async function exactList(rv: string, query = ''): Promise<Map<string, string>> {
    const r = await get(`${PATH}?resourceVersion=${rv}&resourceVersionMatch=Exact${query}`);
    assert.equal(r.body.metadata.resourceVersion, rv);
    return new Map((r.body.items as { metadata: Meta }[]).map((o) => [o.metadata.name, o.metadata.resourceVersion]));
  }

  /**
   * Pages through with `limit`, calling `between` after every page. Checks every page shares the
   * first page's resourceVersion, has at most `limit` entries, and that remainingItemCount (when
   * present) counts what is left. `entries` extracts name → resourceVersion from a page body.
   */
  async function pageThrough(
    query: string,
    limit: number,
    entries: (body: any) => [string, string][],
    opts: { accept?: string; between?: (page: number) => Promise<void>; expectedTotal?: () => number; onPage?: (body: any) => void } = {},
  ): Promise<{ rv: string; items: [string, string][]; pages: number }> {
    const items: [string, string][] = [];
    let rv: string | undefined;
    let token: string | undefined;
    let pages = 0;
    do {
      const url = `${PATH}?limit=${limit}${query}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const body = (await get(url, opts.accept)).body;
      pages++;
      opts.onPage?.(body);
      const page = entries(body);
      assert.ok(page.length <= limit, `page ${pages} has ${page.length} > ${limit} entries`);
      rv ??= body.metadata.resourceVersion as string;
      assert.equal(body.metadata.resourceVersion, rv, `page ${pages} is served at the first page's resourceVersion`);
      items.push(...page);
      token = body.metadata.continue || undefined;
      if (token !== undefined) assert.equal(page.length, limit, `a page that is not the last is full (page ${pages})`);
      if (body.metadata.remainingItemCount !== undefined && opts.expectedTotal) {
        assert.equal(body.metadata.remainingItemCount, opts.expectedTotal() - items.length, `remainingItemCount on page ${pages}`);
      }
      if (token === undefined) assert.equal(body.metadata.remainingItemCount ?? 0, 0, 'no remainingItemCount on the last page');
      if (token !== undefined) await opts.between?.(pages);
    } while (token !== undefined && pages < 1000);
    return { rv: rv!, items, pages };
  }

  const plainEntries = (body: { items: { metadata: Meta }[] }): [string, string][] =>
    body.items.map((o) => [o.metadata.name, o.metadata.resourceVersion]);

  function assertNoDuplicates(items: [string, string][]): void {
    const names = items.map(([n]) => n);
    const dupes = names.filter((n, i) => names.indexOf(n) !== i);
    assert.deepEqual(dupes, [], 'no object appears on two pages');
  }

  it('pages over 250 objects at one resourceVersion while writes happen between and during pages', async () => {
    let writes = 0;
    let seq = 0;
    const writeSome = async (): Promise<void> => {
      const n = seq++;
      // Before and after every key the pages will reach, plus changes to objects not yet paged.
      const adds = [`aaa-new-${n}`, `item-${String(100 + n)}-new`, `zzz-new-${n}`];
      for (const name of adds) {
        const r = await h.request('POST', PATH, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { parity: 'new' } } } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      const upd = await h.request('PATCH', `${PATH}/${itemName(COUNT - 1 - n)}`, {
        body: { data: { changed: 'yes' } },
        headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      assert.equal(upd.status, 200, JSON.stringify(upd.body));
      const del = await h.request('DELETE', `${PATH}/${itemName(150 + n)}`);
      assert.equal(del.status, 200, JSON.stringify(del.body));
      writes += adds.length + 2;
    };
    // A writer running during the paging, besides the writes between pages.
    let stop = false;
    let background = 0;
    const backgroundWriter = (async () => {
      while (!stop) {
        const r = await h.request('POST', PATH, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bg-${background++}` } } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
    })();

    let result;
    try {
      // COUNT objects and kube-root-ca.crt, counted at the first page's resourceVersion.
      result = await pageThrough('', 40, plainEntries, {
        between: writeSome,
        expectedTotal: () => COUNT + 1,
        onPage: (body) => {
          if (body.metadata.continue) assert.equal(typeof body.metadata.remainingItemCount, 'number', 'a page of a list without selectors says how many remain');
        },
      });
    } finally {
      stop = true;
      await backgroundWriter;
    }
    assert.ok(writes > 0 && background > 0, 'writes really happened while paging');
    assert.equal(result.pages, Math.ceil(COUNT / 40));
    assertNoDuplicates(result.items);
    // Besides the test's objects the namespace holds kube-root-ca.crt, as every namespace does.
    const mine = result.items.filter(([n]) => n !== 'kube-root-ca.crt');
    assert.equal(result.items.length - mine.length, 1, 'kube-root-ca.crt is listed too');
    assert.deepEqual(new Map(mine), created, 'exactly the 250 objects as they were at the first page: no gaps, nothing newer');
    const names = result.items.map(([n]) => n);
    assert.deepEqual(names, [...names].sort(), 'pages come in key order');

    const now = await get(PATH);
    assert.notEqual(now.body.metadata.resourceVersion, result.rv, 'the store moved on meanwhile');
    assert.notEqual(now.body.items.length, COUNT);
  });

  it('pages with a label selector are refilled to the limit and match an exact list at the same resourceVersion', async () => {
    const sel = `&labelSelector=${encodeURIComponent('parity=even')}`;
    const { rv, items, pages } = await pageThrough(sel, 30, plainEntries, {
      onPage: (body) => assert.equal(body.metadata.remainingItemCount, undefined, 'not counted with a selector'),
    });
    assertNoDuplicates(items);
    const expected = await exactList(rv, sel);
    assert.deepEqual(new Map(items), expected);
    assert.equal(pages, Math.ceil(expected.size / 30));
    for (const [name] of items) assert.equal(Number(name.slice('item-'.length)) % 2, 0, `${name} is even`);
  });

  it('renders pages as Table: columns on every page, one row per object, the same resourceVersion', async () => {
    let columns: unknown;
    const { rv, items, pages } = await pageThrough(
      '',
      100,
      (body) => body.rows.map((row: { cells: unknown[]; object: { kind: string; metadata: Meta } }) => {
        assert.equal(row.object.kind, 'PartialObjectMetadata');
        assert.equal(row.cells[0], row.object.metadata.name, 'the Name cell is the object name');
        return [row.object.metadata.name, row.object.metadata.resourceVersion];
      }),
      {
        accept: TABLE,
        onPage: (body) => {
          assert.equal(body.kind, 'Table');
          assert.equal(body.apiVersion, 'meta.k8s.io/v1');
          assert.ok(Array.isArray(body.columnDefinitions) && body.columnDefinitions.length > 0, 'columnDefinitions on every page of a list');
          columns ??= body.columnDefinitions;
          assert.deepEqual(body.columnDefinitions, columns);
          for (const row of body.rows) assert.equal(row.cells.length, body.columnDefinitions.length);
        },
      },
    );
    assert.ok(pages >= 3);
    assertNoDuplicates(items);
    assert.deepEqual(new Map(items), await exactList(rv));

    // includeObject=None drops the row objects; paging still works.
    const first = await get(`${PATH}?limit=100&includeObject=None`, TABLE);
    assert.ok(first.body.metadata.continue);
    assert.equal(first.body.rows.length, 100);
    for (const row of first.body.rows) assert.equal(row.object, undefined);
  });

  it('renders pages as PartialObjectMetadataList', async () => {
    const { rv, items } = await pageThrough(
      '',
      70,
      (body) =>
        body.items.map((o: { kind: string; apiVersion: string; metadata: Meta; data?: unknown }) => {
          assert.equal(o.kind, 'PartialObjectMetadata');
          assert.equal(o.apiVersion, 'meta.k8s.io/v1');
          assert.equal(o.data, undefined, 'metadata only');
          return [o.metadata.name, o.metadata.resourceVersion];
        }),
      {
        accept: POML,
        onPage: (body) => {
          assert.equal(body.kind, 'PartialObjectMetadataList');
          assert.equal(body.apiVersion, 'meta.k8s.io/v1');
        },
      },
    );
    assertNoDuplicates(items);
    assert.deepEqual(new Map(items), await exactList(rv));
  });

  it('resourceVersion=0 is served whole, whatever limit says (as from the watch cache)', async () => {
    const r = await get(`${PATH}?resourceVersion=0&limit=3`);
    assert.equal(r.status, 200);
    assert.ok(r.body.items.length > 3);
    assert.equal(r.body.metadata.continue, undefined);
  });

  it('a continue token whose revision was compacted → 410 Expired; a fresh list still works', async () => {
    const first = await get(`${PATH}?limit=50`);
    const token = first.body.metadata.continue as string;
    assert.ok(token);
    const r = await h.request('POST', PATH, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-first-page' } } });
    assert.equal(r.status, 201);
    const backend = h.server.backend;
    await backend.compact(backend.currentRevision());
    assert.ok(backend.compactRevision() > Number(first.body.metadata.resourceVersion));

    const expired = await h.request('GET', `${PATH}?limit=50&continue=${encodeURIComponent(token)}`);
    assert.equal(expired.status, 410, JSON.stringify(expired.body));
    assert.equal(expired.body.kind, 'Status');
    assert.equal(expired.body.code, 410);
    assert.equal(expired.body.reason, 'Expired');
    // The Status offers a token that continues from the same place at the latest state.
    const inconsistent = await h.request('GET', `${PATH}?limit=50&continue=${encodeURIComponent(expired.body.metadata.continue)}`);
    assert.equal(inconsistent.status, 200, JSON.stringify(inconsistent.body));
    assert.equal(inconsistent.body.items[0].metadata.name > first.body.items[first.body.items.length - 1].metadata.name, true, 'it resumes after the first page');

    const exact = await h.request('GET', `${PATH}?resourceVersion=${first.body.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    assert.equal(exact.status, 410, JSON.stringify(exact.body));
    assert.equal(exact.body.reason, 'Expired');

    // What client-go's pager does next: the list again without continue.
    const again = await pageThrough('', 100, plainEntries);
    assertNoDuplicates(again.items);
    assert.ok(again.items.some(([n]) => n === 'after-first-page'));
  });
});
