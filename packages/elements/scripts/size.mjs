// Size budgets (CI: `npm run size`): the learner widgets with Lit and the SDK, and the whole teacher
// dashboard, each minified with every dependency inlined, against their min+gzip budgets.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const dir = fileURLToPath(new URL('..', import.meta.url));
const profile = fileURLToPath(new URL('../../xapi/src/profile.ts', import.meta.url));
const KB = 1024;
const bundles = [
  {
    name: 'learner widgets (activity, quiz, progress) + Lit + SDK',
    entry: 'src/bundles/learner.ts',
    budget: 15 * KB,
  },
  {
    name: 'teacher dashboard (every teacher widget) + Lit',
    entry: 'src/bundles/dashboard.ts',
    budget: 45 * KB,
  },
];

let failed = false;
for (const b of bundles) {
  const out = await build({
    entryPoints: [`${dir}/${b.entry}`],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    write: false,
    alias: { '@kairos/xapi': profile },
    logLevel: 'error',
  });
  const code = out.outputFiles[0].contents;
  const gz = gzipSync(code, { level: 9 }).length;
  const over = gz > b.budget;
  failed ||= over;
  console.log(
    `${over ? 'FAIL' : 'ok  '} ${b.name}: ${(code.length / KB).toFixed(2)} KiB min, ` +
      `${(gz / KB).toFixed(2)} KiB min+gzip (${gz} B; budget ${b.budget / KB} KiB)`,
  );
}
process.exit(failed ? 1 : 0);
