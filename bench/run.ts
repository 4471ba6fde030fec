/**
 * Benchmark runner: `npm run bench -- NAME [--quick]` imports `bench/NAME.ts` and calls its
 * exported `run({ quick })`. Unknown names list the available benches on stderr and exit 2.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchOptions {
  /** A short run (seconds, not minutes), for smoke checks. */
  readonly quick: boolean;
}

interface BenchModule {
  run?: (opts: BenchOptions) => Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

function available(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'run.ts')
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run bench -- NAME [--quick]\navailable benches: ${available().join(', ') || '(none)'}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const names = args.filter((a) => !a.startsWith('-'));
  const flags = args.filter((a) => a.startsWith('-'));
  const unknownFlags = flags.filter((f) => f !== '--quick');
  if (unknownFlags.length > 0) usage(`unknown option(s): ${unknownFlags.join(' ')}`);
  if (names.length !== 1) usage(names.length === 0 ? 'no bench named' : `one bench at a time, got: ${names.join(' ')}`);
  const name = names[0]!;
  if (!/^[A-Za-z0-9_-]+$/.test(name) || !available().includes(name)) usage(`unknown bench ${JSON.stringify(name)}`);

  const mod = (await import(`./${name}.ts`)) as BenchModule;
  if (typeof mod.run !== 'function') usage(`bench ${name} exports no run()`);
  await mod.run({ quick: flags.includes('--quick') });

  // Everything should be closed by now; if some handle lingers, say so and exit anyway.
  setTimeout(() => {
    process.stderr.write(`bench ${name}: handles still open 5 s after the run ended; exiting\n`);
    process.exit(process.exitCode ?? 0);
  }, 5000).unref();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 5000).unref();
});
