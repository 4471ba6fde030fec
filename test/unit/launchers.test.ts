/**
 * The server's node options live in four launchers (the bin's shebang, `npm start`, the
 * Dockerfile, the API benchmark); they must agree, or the benchmark measures another server.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(root + path, 'utf8');

/** The options after `node` on the bin's first line. */
function shebangOptions(): string[] {
  const first = read('src/cli.ts').split('\n')[0]!;
  const m = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)*)$/.exec(first);
  assert.ok(m, `unexpected shebang: ${first}`);
  return m[1]!.trim().split(' ').filter((o) => o !== '');
}

describe('server launchers', () => {
  const options = shebangOptions();

  it('the bin runs node with the heap options (young-generation size, initial old generation)', () => {
    assert.ok(options.some((o) => o.startsWith('--max-semi-space-size=')));
    assert.ok(options.some((o) => o.startsWith('--initial-old-space-size=')));
  });

  it('npm start runs the same node options', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['start']!;
    assert.ok(start.includes(`node ${options.join(' ')} dist/src/cli.js`), start);
  });

  it('the Dockerfile runs the same node options', () => {
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(read('Dockerfile'));
    assert.ok(entry);
    assert.deepEqual(JSON.parse(entry[1]!), ['node', ...options, 'dist/src/cli.js']);
  });

  it('the API benchmark runs the same node options', () => {
    const bench = /SERVER_NODE_OPTIONS = (\[.*\]);/.exec(read('bench/lib/server-entry.ts'));
    assert.ok(bench);
    assert.deepEqual(JSON.parse(bench[1]!.replace(/'/g, '"')), options);
  });
});
