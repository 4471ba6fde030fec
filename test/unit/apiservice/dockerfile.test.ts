/**
 * The Dockerfile, checked statically (there is no Docker engine where the tests run): its stages,
 * the production-only runtime, the non-root user, the entry point; that everything it COPYs is in
 * the build context; that the build stage copies every directory the server's import graph
 * reaches; and that the runtime's packages are production dependencies, since the runtime stage
 * installs nothing else.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve } from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../helpers/server-process.js';

interface Instruction {
  readonly cmd: string;
  readonly args: string;
}

interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** Instructions with continuation lines joined and comment lines dropped, split into stages. */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (/^\s*#/.test(line)) continue; // comments (and parser directives), also inside continuations
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim() !== '') logical.push(current.trim());
    current = '';
  }
  if (current.trim() !== '') logical.push(current.trim());
  const stages: { image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const l of logical) {
    const m = /^(\S+)\s*(.*)$/.exec(l)!;
    const cmd = m[1]!.toUpperCase();
    const args = m[2]!.replace(/\s+/g, ' ').trim();
    if (cmd === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      assert.ok(from, `FROM ${args}`);
      stages.push({ image: from[1]!, name: from[2], instructions: [] });
      continue;
    }
    assert.ok(stages.length > 0, `${cmd} before FROM`);
    stages[stages.length - 1]!.instructions.push({ cmd, args });
  }
  return stages;
}

/** `.dockerignore` semantics for the patterns we use: globs on the path or a parent, `!` re-includes. */
function ignoredBy(patterns: readonly string[], path: string): boolean {
  const parts = posix.normalize(path).replace(/^\.\//, '').split('/');
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/^\/+/, '').replace(/\/+$/, '');
    const re = new RegExp(
      `^${pattern
        .split('/')
        .map((seg) => seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '.*').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
        .join('/')}$`,
    );
    for (let i = 1; i <= parts.length; i++) {
      if (re.test(parts.slice(0, i).join('/'))) {
        ignored = !negate;
        break;
      }
    }
  }
  return ignored;
}

/** Exec-form JSON array of an instruction. */
function execForm(args: string): string[] {
  const value: unknown = JSON.parse(args);
  assert.ok(Array.isArray(value) && value.every((v) => typeof v === 'string'), `exec form expected: ${args}`);
  return value as string[];
}

/** COPY's sources and destination, flags apart. */
function copyArgs(args: string): { from: string | undefined; sources: string[]; dest: string } {
  const words = args.startsWith('[') ? execForm(args) : args.split(' ');
  const flags = words.filter((w) => w.startsWith('--'));
  const rest = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: rest.slice(0, -1), dest: rest[rest.length - 1]! };
}

const runs = (stage: Stage): string[] => stage.instructions.filter((i) => i.cmd === 'RUN').map((i) => i.args);
const last = (stage: Stage, cmd: string): Instruction | undefined => stage.instructions.filter((i) => i.cmd === cmd).at(-1);

/**
 * Files reachable from `entry` through value imports (type-only imports are erased first, as tsc
 * does), and the bare module specifiers they import.
 */
function importGraph(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const source = ts.sys.readFile(file);
    assert.ok(source !== undefined, `cannot read ${file}`);
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    }).outputText;
    const specifiers = [
      /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g, // import x from, export * from
      /(?:^|[\s;])import\s*['"]([^'"]+)['"]/g, // import 'side-effect'
      /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, // import('literal')
    ].flatMap((re) => [...js.matchAll(re)].map((m) => m[1]!));
    for (const spec of specifiers) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        assert.ok(existsSync(target), `${relative(REPO_ROOT, file)} imports ${spec}, which has no .ts source`);
        queue.push(target);
      } else if (!spec.startsWith('node:')) {
        bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  }
  return { files, bare };
}

describe('Dockerfile (static: no Docker engine here)', () => {
  let stages: Stage[];
  let build: Stage;
  let runtime: Stage;
  let ignore: string[];

  before(async () => {
    stages = parseDockerfile(await readFile(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
    build = stages[0]!;
    runtime = stages[stages.length - 1]!;
    ignore = (await readFile(join(REPO_ROOT, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
  });

  it('has a build stage and a runtime stage, both node:20-bookworm-slim', () => {
    assert.equal(stages.length, 2);
    assert.equal(build.image, 'node:20-bookworm-slim');
    assert.equal(runtime.image, 'node:20-bookworm-slim', 'glibc, for classic-level\'s prebuilt binary');
    assert.equal(build.name, 'build');
  });

  it('build stage: npm ci (dev dependencies included), then npm run build', () => {
    const r = runs(build);
    const ci = r.findIndex((c) => /\bnpm ci\b/.test(c));
    const compile = r.findIndex((c) => /\bnpm run build\b/.test(c));
    assert.ok(ci >= 0 && compile > ci, r.join('\n'));
    assert.doesNotMatch(r[ci]!, /--omit=dev|--production/);
  });

  it('runtime stage: production dependencies only, dist/ from the build stage, nothing compiled', () => {
    const r = runs(runtime);
    assert.ok(r.some((c) => /\bnpm ci\b[^&]*--omit=dev/.test(c)), r.join('\n'));
    assert.ok(!r.some((c) => /\bnpm (run build|install)\b|\btsc\b/.test(c)), r.join('\n'));
    const fromBuild = runtime.instructions.filter((i) => i.cmd === 'COPY').map((i) => copyArgs(i.args)).filter((c) => c.from === build.name);
    const buildDir = last(build, 'WORKDIR')!.args;
    const runDir = last(runtime, 'WORKDIR')!.args;
    const copiesDist = (c: { sources: string[]; dest: string }): boolean =>
      c.sources.includes(posix.join(buildDir, 'dist')) && posix.resolve(runDir, c.dest) === posix.join(runDir, 'dist');
    assert.ok(fromBuild.some(copiesDist), 'COPY --from=build <workdir>/dist ./dist');
  });

  it('runs as the non-root uid 65532 that the Deployment expects', async () => {
    const user = last(runtime, 'USER');
    assert.ok(user, 'USER in the runtime stage');
    const uid = user.args.split(':')[0]!;
    assert.match(uid, /^\d+$/, 'numeric, so runAsNonRoot can verify it');
    assert.equal(Number(uid), 65532);
    const index = runtime.instructions.indexOf(user);
    assert.ok(runtime.instructions.slice(index).every((i) => i.cmd !== 'RUN'), 'nothing runs as root after USER is set');
    const dep = parse(await readFile(join(REPO_ROOT, 'apiservice', 'base', 'deployment.yaml'), 'utf8'));
    assert.equal(dep.spec.template.spec.securityContext.runAsUser, Number(uid));
  });

  it('declares /data, exposes 8443, and runs `node dist/src/cli.js serve` like the Deployment', async () => {
    const volumes = runtime.instructions
      .filter((i) => i.cmd === 'VOLUME')
      .flatMap((i) => (i.args.startsWith('[') ? execForm(i.args) : i.args.split(' ')));
    assert.ok(volumes.includes('/data'), 'VOLUME /data');
    assert.ok(runtime.instructions.some((i) => i.cmd === 'EXPOSE' && i.args.split(' ').includes('8443')));
    const entrypoint = execForm(last(runtime, 'ENTRYPOINT')!.args);
    // node, its options (launchers.test.ts checks they are the bin's), then the package's bin.
    assert.equal(entrypoint[0], 'node');
    assert.ok(entrypoint.slice(1, -1).every((a) => a.startsWith('--')), 'only node options between node and the script');
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.bin.kubestellar, entrypoint.at(-1), 'the entry point is the package\'s bin');
    const cmd = execForm(last(runtime, 'CMD')!.args);
    assert.deepEqual(cmd, ['serve', '--data-dir', '/data', '--bind-address', '0.0.0.0', '--port', '8443', '--storage', 'leveldb:///data/db']);
    const dep = parse(await readFile(join(REPO_ROOT, 'apiservice', 'base', 'deployment.yaml'), 'utf8'));
    // In a hosting cluster it also trusts the host's front proxy.
    const aggregated = ['--requestheader-from-cluster', '--tls-san', 'kubestellar-vwds.kubestellar-system.svc', '--tls-san', 'kubestellar-vwds.kubestellar-system.svc.cluster.local'];
    assert.deepEqual(dep.spec.template.spec.containers[0].args, [...cmd, ...aggregated], 'the Deployment passes the same arguments');
  });

  it('COPYs only files that exist and are in the build context', () => {
    for (const stage of stages) {
      for (const i of stage.instructions.filter((x) => x.cmd === 'COPY' || x.cmd === 'ADD')) {
        const c = copyArgs(i.args);
        if (c.from !== undefined) continue;
        for (const src of c.sources) {
          assert.ok(existsSync(join(REPO_ROOT, src)), `${src} exists`);
          assert.ok(!ignoredBy(ignore, src), `${src} is not excluded by .dockerignore`);
        }
      }
    }
  });

  it('.dockerignore keeps node_modules, dist, local tools, data and tests out', () => {
    for (const path of ['node_modules', 'dist/src/cli.js', '.tools/helm3', '.kubestellar/db', 'test/fixtures', 'admin.kubeconfig', '.git']) {
      assert.ok(ignoredBy(ignore, path), path);
    }
    for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'src/cli.ts', 'storage/index.ts', 'openapi/index.ts']) {
      assert.ok(!ignoredBy(ignore, path), path);
    }
  });

  it('the build stage copies everything src/cli.ts imports, and the runtime needs only production dependencies', async () => {
    const { files, bare } = importGraph(join(REPO_ROOT, 'src', 'cli.ts'));
    const copied = build.instructions
      .filter((i) => i.cmd === 'COPY')
      .map((i) => copyArgs(i.args))
      .filter((c) => c.from === undefined)
      .flatMap((c) => c.sources.map((s) => posix.normalize(s).replace(/\/$/, '')));
    assert.ok(copied.includes('tsconfig.json'));
    for (const file of files) {
      const rel = relative(REPO_ROOT, file).split('\\').join('/');
      assert.ok(copied.some((c) => rel === c || rel.startsWith(`${c}/`)), `${rel} is not copied into the build stage`);
    }
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8'));
    const production = new Set(Object.keys(pkg.dependencies ?? {}));
    for (const name of bare) assert.ok(production.has(name), `${name} is imported at run time but is not in dependencies`);
    assert.ok(production.has('level'), 'LevelDB');
  });
});
