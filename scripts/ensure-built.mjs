// Rebuilds the workspace packages when a source file is newer than the build (or there is no build),
// saying which package is building and for how long: a fresh clone builds for about two minutes, and a
// silent terminal for that long looks like a hang.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** In dependency order: each package builds after the ones it imports. */
const PACKAGES = ['xapi', 'sdk', 'elements', 'server'];

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** The packages of `root` whose `src/` is newer than their `dist/index.js`. */
export function stalePackages(root = repoRoot, packages = PACKAGES) {
  return packages.filter((p) => {
    const dir = join(root, 'packages', p);
    const built = join(dir, 'dist', 'index.js');
    if (!existsSync(join(dir, 'src', 'index.ts'))) return false;
    return !existsSync(built) || newest(join(dir, 'src')) > statSync(built).mtimeMs;
  });
}

const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** Runs `npm run build` in one package; resolves with its exit code and output (shown only on failure). */
function build(dir) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'build', '--silent'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * Builds every stale package, one at a time, with progress on stderr: which package (n/total), a ticking
 * elapsed time (one updating line on a terminal, a line every `tickMs` otherwise), and the time each took.
 * Exits the process when a build fails, after printing its output.
 *
 * @param {{ root?: string, packages?: string[], tickMs?: number, out?: NodeJS.WriteStream }} [options]
 */
export async function ensureBuilt({
  root = repoRoot,
  packages = PACKAGES,
  tickMs,
  out = process.stderr,
} = {}) {
  const stale = stalePackages(root, packages);
  if (stale.length === 0) return;
  const tty = Boolean(out.isTTY);
  const every = tickMs ?? (tty ? 1000 : 15_000);
  const started = Date.now();
  const fresh = stale.every((p) => !existsSync(join(root, 'packages', p, 'dist', 'index.js')));
  out.write(`kairos: building ${stale.join(', ')}${fresh ? ' (first build: about 2 minutes)' : ''}…\n`);
  for (const [i, p] of stale.entries()) {
    const dir = join(root, 'packages', p);
    const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name ?? p;
    const label = `kairos: building ${name} (${i + 1}/${stale.length})`;
    const t0 = Date.now();
    out.write(tty ? `${label}…` : `${label}…\n`);
    const timer = setInterval(() => {
      const line = `${label}… ${seconds(Date.now() - t0)}`;
      out.write(tty ? `\r${line}` : `${line}\n`);
    }, every);
    const result = await build(dir);
    clearInterval(timer);
    if (tty) out.write('\r\x1b[2K');
    if (result.code !== 0) {
      out.write(
        `${result.output}\nkairos: building ${name} failed after ${seconds(Date.now() - t0)}; see the errors above.\n`,
      );
      process.exit(result.code);
    }
    out.write(`kairos: built ${name} in ${seconds(Date.now() - t0)}\n`);
  }
  out.write(`kairos: build done in ${seconds(Date.now() - started)}\n`);
}
