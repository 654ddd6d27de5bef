import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// docs/api.md is rendered from the OpenAPI document a real server serves (`npm run docs:api`): it fails
// here as soon as a route, a parameter or a schema changes without the page being rendered again.
const root = fileURLToPath(new URL('../..', import.meta.url));

it('docs/api.md is what `npm run docs:api` renders from /api/v1/openapi.json', {
  timeout: 120_000,
}, async () => {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['scripts/run-ts.mjs', 'scripts/docs-api.ts', '--check'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', MONGODB_URL: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (c) => resolve({ code: c, output }));
  });
  expect(code, output).toBe(0);
});
