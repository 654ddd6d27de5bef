import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';
import { type KairosProcess, runKairos, startKairos, tempDataDir } from '../support/kairos-process.js';
import { serviceUrl } from '../support/services.js';

const running: KairosProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

describe('kairos serve', () => {
  it('serves /healthz and /readyz on the embedded default and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDataDir();
    const k = await startKairos({ KAIROS_DATA_DIR: dataDir });
    expect((await fetch(`${k.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${k.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: {
        record: { backend: 'pglite' },
        analytics: { backend: 'pglite' },
        cache: { backend: 'memory' },
      },
    });
    expect(k.stderr()).toMatch(/xAPI endpoint\s+http:\/\/localhost:\d+\/xapi/);
    expect(k.stderr()).toContain(`creating the embedded database in ${dataDir} (first start only: ~10 s)`);
    expect(await k.stop()).toBe(0);
    // the lock is released: the next process starts on the same directory
    const again = await startKairos({ KAIROS_DATA_DIR: dataDir });
    running.push(again);
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
    // the first-start warning only on the first start
    expect(again.stderr()).toContain(`opening the embedded database in ${dataDir}`);
    expect(again.stderr()).not.toContain('~10 s');
  });

  it('refuses a second process on the same data directory with a clear error', async () => {
    const dataDir = tempDataDir();
    running.push(await startKairos({ KAIROS_DATA_DIR: dataDir }));
    const second = await runKairos(['serve', '--port', '0'], { KAIROS_DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/data directory .* is in use by another Kairos process \(pid \d+\)/);
  });

  it.each([
    ['DATABASE_URL', 'nonsense'],
    ['MONGODB_URL', 'nonsense'],
    ['REDIS_URL', 'nonsense'],
    ['PORT', 'eighty'],
  ])('exits 2 with one line naming %s when it is %s', async (variable, value) => {
    const r = await runKairos(['serve'], { KAIROS_DATA_DIR: tempDataDir(), [variable]: value });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^kairos: ${variable} must be`));
  });

  it('says which store it cannot reach', async () => {
    const r = await runKairos(['serve'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /cannot reach PostgreSQL at DATABASE_URL=postgres:\/\/postgres@127\.0\.0\.1:1\/none/,
    );
  });

  it('tries a store three times, then exits with the reason, leaving nothing that keeps it running', async () => {
    const closed = 'redis://127.0.0.1:1/0';
    const dataDir = tempDataDir(); // (one embedded database for both: a first one takes ~10 s)
    const r = await runKairos(['serve'], { REDIS_URL: closed, KAIROS_DATA_DIR: dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /Redis at redis:\/\/127\.0\.0\.1:1\/0 did not answer \(connect ECONNREFUSED[^)]*\); trying again \(2\/3\)/,
    );
    expect(r.stderr).toMatch(/trying again \(3\/3\)/);
    expect(r.stderr).toMatch(
      /cannot reach Redis at REDIS_URL=redis:\/\/127\.0\.0\.1:1\/0: connect ECONNREFUSED/,
    );
    const m = await runKairos(['serve'], {
      MONGODB_URL: 'mongodb://127.0.0.1:1/none',
      KAIROS_DATA_DIR: dataDir,
      KAIROS_STORE_TIMEOUT_MS: '500',
    });
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/cannot reach MongoDB at MONGODB_URL=mongodb:\/\/127\.0\.0\.1:1\/none/);
  });

  it('runs on PostgreSQL, MongoDB and Redis together', async () => {
    const [pg, mongo, redis] = await Promise.all([
      serviceUrl('postgres'),
      serviceUrl('mongodb'),
      serviceUrl('redis'),
    ]);
    if (!pg || !mongo || !redis) return;
    const k = await startKairos({
      DATABASE_URL: pg,
      MONGODB_URL: mongo,
      REDIS_URL: redis,
      KAIROS_DATA_DIR: tempDataDir(),
    });
    running.push(k);
    const ready = await fetch(`${k.url}/readyz`);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: {
        record: { backend: 'mongodb' },
        analytics: { backend: 'postgres' },
        cache: { backend: 'redis' },
      },
    });
    // shared stores without KAIROS_SECRET: instances would each sign with their own secret
    expect(k.stdout()).toMatch(/KAIROS_SECRET is not set/);
  });

  it('says nothing of KAIROS_SECRET when it is set', async () => {
    const pg = await serviceUrl('postgres');
    if (!pg) return;
    const k = await startKairos({
      DATABASE_URL: pg,
      KAIROS_SECRET: 'a'.repeat(64),
      KAIROS_DATA_DIR: tempDataDir(),
    });
    running.push(k);
    expect(k.stdout()).not.toMatch(/KAIROS_SECRET/);
  });

  it('answers unknown commands with usage and exit code 2', async () => {
    const r = await runKairos(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
  });
});

describe('npm start on a fresh clone (scripts/ensure-built.mjs)', () => {
  it('says which package is building, ticks the elapsed time, and how long each took', async () => {
    const root = tempDataDir();
    // Two packages whose build takes ~0.8 s and writes dist/index.js, as rollup would.
    const slowBuild =
      "node -e \"setTimeout(()=>{const f=require('fs');f.mkdirSync('dist',{recursive:true});f.writeFileSync('dist/index.js','')},800)\"";
    for (const p of ['alpha', 'beta']) {
      mkdirSync(join(root, 'packages', p, 'src'), { recursive: true });
      writeFileSync(join(root, 'packages', p, 'src', 'index.ts'), 'export {};\n');
      writeFileSync(
        join(root, 'packages', p, 'package.json'),
        JSON.stringify({ name: `@kairos/${p}`, private: true, scripts: { build: slowBuild } }),
      );
    }
    let text = '';
    const out = { isTTY: false, write: (s: string) => (text += s) };
    await ensureBuilt({ root, packages: ['alpha', 'beta'], tickMs: 250, out });
    expect(text).toContain('kairos: building alpha, beta');
    expect(text).toContain('kairos: building @kairos/alpha (1/2)…\n');
    expect(text).toMatch(/kairos: building @kairos\/beta \(2\/2\)… \d\.\d s\n/);
    expect(text).toMatch(/kairos: built @kairos\/alpha in \d\.\d s\n/);
    expect(text).toMatch(/kairos: build done in \d+(\.\d)? s\n$/);
    // up to date: nothing to say
    text = '';
    await ensureBuilt({ root, packages: ['alpha', 'beta'], tickMs: 250, out });
    expect(text).toBe('');
  });
});
