// Rebuilds the workspace packages when a source file is newer than the build (or there is no build).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = ['xapi', 'sdk', 'elements', 'server'];

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds every package whose `src/` changed since its `dist/index.js` was written. */
export async function ensureBuilt() {
  const stale = packages.filter((p) => {
    const dir = join(root, 'packages', p);
    const built = join(dir, 'dist', 'index.js');
    if (!existsSync(join(dir, 'src', 'index.ts'))) return false;
    return !existsSync(built) || newest(join(dir, 'src')) > statSync(built).mtimeMs;
  });
  if (stale.length === 0) return;
  process.stderr.write(`kairos: building ${stale.join(', ')}…\n`);
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('kairos: the build failed; see the errors above.\n');
    process.exit(result.status ?? 1);
  }
}
