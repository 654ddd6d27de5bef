// `npm test`: builds the packages (end-to-end tests run the built CLI and bundles), runs every vitest test,
// and ends with one summary line `tests: N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const report = `${root}.tmp/vitest-report.json`;

const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('tests: the build failed, no test was run');
  process.exit(1);
}
mkdirSync(`${root}.tmp`, { recursive: true });
rmSync(report, { force: true });
const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
const run = spawnSync('npx', args, { cwd: root, stdio: 'inherit' });
if (!existsSync(report)) {
  console.error('tests: vitest wrote no report');
  process.exit(run.status || 1);
}
const r = JSON.parse(readFileSync(report, 'utf8'));
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
if (process.env.CI === 'true' && skipped > 0) {
  console.error('tests: CI=true forbids skipped tests');
  process.exit(1);
}
process.exit(run.status ?? 1);
