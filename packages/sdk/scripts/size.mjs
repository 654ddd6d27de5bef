// Size budget (CI: `npm run size`): builds the core ESM bundle and the `<script>` IIFE, minified with
// every dependency inlined, and fails when one is over its min+gzip budget.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const dir = fileURLToPath(new URL('..', import.meta.url));
const profile = fileURLToPath(new URL('../../xapi/src/profile.ts', import.meta.url));
const KB = 1024;
const bundles = [
  {
    name: 'core (ESM: tracker + queue + delivery + active time)',
    entry: 'src/index.ts',
    format: 'esm',
    budget: 8 * KB,
  },
  { name: 'kairos.iife.js (core + spa + launch)', entry: 'src/iife.ts', format: 'iife', budget: 9 * KB },
];

let failed = false;
for (const b of bundles) {
  const out = await build({
    entryPoints: [`${dir}/${b.entry}`],
    bundle: true,
    minify: true,
    format: b.format,
    globalName: b.format === 'iife' ? 'Kairos' : undefined,
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
