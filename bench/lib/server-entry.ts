/**
 * The server as users run it: compiled by `npm run build` (tsc), as `npm start`, the bin and the
 * image run it, rather than through tsx, whose on-the-fly transform names every inner function
 * with a defineProperty call at run time (esbuild's keepNames), a cost the built server does not
 * have. Built once per bench process.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The node options every launcher of the server uses (src/cli.ts's first line says why). */
export const SERVER_NODE_OPTIONS = ['--max-semi-space-size=32', '--initial-old-space-size=64'];

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let built = false;

/** The path of the built CLI (dist/src/cli.js), building it first. */
export function builtCli(): string {
  if (!built) {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(repoRoot, 'tsconfig.json')], { cwd: repoRoot, stdio: 'inherit' });
    built = true;
  }
  return join(repoRoot, 'dist/src/cli.js');
}
