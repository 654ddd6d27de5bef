#!/usr/bin/env node
// Runs a TypeScript file with tsx (root devDependency): `node scripts/run-ts.mjs FILE [args…]`.
// Relative FILE paths resolve from the current directory (npm runs workspace scripts in the workspace).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/run-ts.mjs FILE.ts [args…]');
  process.exit(2);
}
const tsx = createRequire(import.meta.url).resolve('tsx');
const loader = pathToFileURL(tsx).href; // tsx's `--import tsx` entry (dist/loader.mjs)
const child = spawn(process.execPath, ['--import', loader, resolve(file), ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
