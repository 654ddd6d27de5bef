// One shared build helper: each package's rollup.config.mjs is a few lines calling `kairosPackage`.

import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import nodeResolve from '@rollup/plugin-node-resolve';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Rollup configuration for one workspace package: ESM + bundled `.d.ts` per entry, and optional
 * self-contained browser bundles (IIFE or ESM with every dependency inlined).
 *
 * @param {object} options
 * @param {string} options.dir the package directory (pass `import.meta.dirname`)
 * @param {Record<string, string>} options.entries output name → source path, e.g. `{ index: 'src/index.ts' }`
 * @param {'node'|'browser'} [options.platform] `node` keeps every dependency external
 * @param {{ input: string, file: string, name?: string, format?: 'iife'|'es' }[]} [options.bundles]
 *   self-contained minified bundles (for `<script>` tags or size budgets)
 * @param {boolean} [options.types] emit `.d.ts` (default true)
 */
export function kairosPackage({ dir, entries, platform = 'node', bundles = [], types = true }) {
  const pkg = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8'));
  const deps = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
  const external = (id) => nodeBuiltins.has(id) || deps.some((d) => id === d || id.startsWith(`${d}/`));
  const input = Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, resolve(dir, v)]));
  const target = platform === 'node' ? 'node20' : 'es2020';
  const configs = [
    {
      input,
      external,
      plugins: [esbuild({ target, tsconfig: resolve(dir, '../../tsconfig.base.json') })],
      output: {
        dir: resolve(dir, 'dist'),
        format: 'es',
        sourcemap: true,
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  ];
  if (types) {
    configs.push({
      input,
      external,
      plugins: [dts({ tsconfig: resolve(dir, 'tsconfig.json') })],
      output: {
        dir: resolve(dir, 'dist'),
        format: 'es',
        entryFileNames: '[name].d.ts',
        chunkFileNames: 'chunks/[name]-[hash].d.ts',
      },
    });
  }
  for (const b of bundles) {
    configs.push({
      input: resolve(dir, b.input),
      plugins: [
        nodeResolve({ browser: true }),
        esbuild({ target: 'es2020', minify: true, tsconfig: resolve(dir, '../../tsconfig.base.json') }),
      ],
      output: { file: resolve(dir, b.file), format: b.format ?? 'iife', name: b.name, sourcemap: true },
    });
  }
  return configs;
}
