import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type KairosProcess,
  kairosBin,
  runKairos,
  startKairos,
  tempDataDir,
} from '../support/kairos-process.js';
import { freshPostgresSchema, serviceUrl } from '../support/services.js';

const running: KairosProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

const statement = (i: number, id?: string) => ({
  ...(id ? { id } : {}),
  actor: { account: { homePage: 'https://lms.example', name: `learner-${i % 5}` } },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
  object: { id: `https://course.example/q${i}` },
  result: { success: i % 2 === 0 },
});

describe('admin commands on the embedded store', () => {
  it('create keys and import through a running server, and the data survives a restart', async () => {
    const dataDir = tempDataDir();
    const env = { KAIROS_DATA_DIR: dataDir };
    const server = await startKairos(env);
    running.push(server);

    const created = await runKairos(
      ['keys', 'create', '--name', 'importer', '--scopes', 'all', '--json'],
      env,
    );
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as {
      key: string;
      secret: string;
      tenantId: string;
      secretHash?: string;
    };
    expect(key).toMatchObject({ tenantId: 'default', scopes: ['all'] });
    expect(key.secretHash).toBeUndefined();
    const bad = await runKairos(['keys', 'create', '--name', 'x', '--scopes', 'statements/everything'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown scope statements\/everything/);

    // 120 statements (some without id), one invalid line, one line that is not JSON
    const file = join(dataDir, 'statements.ndjson');
    const lines = Array.from({ length: 120 }, (_, i) =>
      JSON.stringify(statement(i, i % 3 ? randomUUID() : undefined)),
    );
    lines.splice(10, 0, JSON.stringify({ actor: { mbox: 'nope' }, verb: { id: 'x' }, object: { id: 'y' } }));
    lines.splice(20, 0, '{not json');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const first = await runKairos(['import', file, '--batch', '50'], env);
    expect(first.stdout).toMatch(/120 accepted, 0 already stored, 2 rejected/);
    expect(first.stdout).toMatch(/line 11: .*actor\.mbox/);
    expect(first.stdout).toMatch(/line 21: not JSON/);
    expect(first.code).toBe(1);
    // re-running stores nothing twice, statements without ids included
    const second = await runKairos(['import', file, '--quiet'], env);
    expect(second.stdout).toMatch(/0 accepted, 120 already stored, 2 rejected/);

    const auth = `Basic ${Buffer.from(`${key.key}:${key.secret}`).toString('base64')}`;
    const count = async (url: string) => {
      let n = 0;
      let next = '/xapi/statements?limit=50';
      while (next) {
        const res = await fetch(`${url}${next}`, {
          headers: { authorization: auth, 'x-experience-api-version': '2.0.0' },
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { statements: unknown[]; more: string };
        n += body.statements.length;
        next = body.more;
      }
      return n;
    };
    expect(await count(server.url)).toBe(120);

    const list = await runKairos(['keys', 'list'], env);
    expect(list.stdout).toContain(key.key);
    expect(await server.stop()).toBe(0);
    running.pop();

    // restart: key and statements are still there
    const again = await startKairos(env);
    running.push(again);
    expect(await count(again.url)).toBe(120);
    // with no server running, admin commands open the store themselves
    await again.stop();
    running.pop();
    const revoked = await runKairos(['keys', 'revoke', key.key], env);
    expect(revoked.stdout).toMatch(/revoked kk_/);
  }, 90_000); // two server starts and CLI processes: 29 s in a CI run under load
});

describe('admin commands with no server or data directory around', () => {
  /** Runs the built CLI in `cwd` with no storage configuration at all (as a newcomer in another terminal). */
  const kairosIn = (cwd: string, args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
    for (const k of ['DATABASE_URL', 'MONGODB_URL', 'REDIS_URL', 'KAIROS_DATA_DIR', 'KAIROS_SECRET'])
      delete env[k];
    const r = spawnSync(process.execPath, [kairosBin, ...args], {
      cwd,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('say so, say how to point the CLI at the server, and create nothing', () => {
    const elsewhere = tempDataDir();
    for (const args of [
      ['platform', 'list'],
      ['keys', 'list'],
      ['keys', 'create', '--name', 'x', '--scopes', 'all'],
    ]) {
      const r = kairosIn(elsewhere, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('no Kairos data here');
      expect(r.stderr).toContain('KAIROS_DATA_DIR');
      expect(r.stderr).toContain('DATABASE_URL');
      expect(r.stderr).toMatch(/\bcd\b/);
      expect(existsSync(join(elsewhere, '.kairos')), `${args.join(' ')} created ./.kairos`).toBe(false);
    }
  });

  it('point at the data directory of a parent (e.g. the repository root when run from a package)', () => {
    const root = tempDataDir();
    mkdirSync(join(root, '.kairos', 'pglite'), { recursive: true });
    const sub = join(root, 'packages', 'server');
    mkdirSync(sub, { recursive: true });
    const r = kairosIn(sub, ['platform', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`KAIROS_DATA_DIR=${join(root, '.kairos')}`);
    expect(existsSync(join(sub, '.kairos'))).toBe(false);
  });
});

describe('forward commands on PostgreSQL', () => {
  it('add, list and remove a forwarder with the server’s KAIROS_SECRET (its password is sealed with it)', async () => {
    const base = await serviceUrl('postgres');
    if (!base) return;
    const schema = await freshPostgresSchema(base);
    try {
      const env = { DATABASE_URL: schema.url, KAIROS_SECRET: 'f'.repeat(64), KAIROS_DATA_DIR: tempDataDir() };
      expect((await runKairos(['migrate'], env)).code).toBe(0);
      const added = await runKairos(
        [
          'forward',
          'add',
          '--tenant',
          't',
          '--endpoint',
          'https://lrs.example/xapi',
          '--username',
          'u',
          '--json',
        ],
        { ...env, KAIROS_FORWARD_PASSWORD: 'a-password' },
      );
      expect(added.code, added.stderr).toBe(0);
      const { id } = JSON.parse(added.stdout) as { id: string };
      const listed = await runKairos(['forward', 'list', '--tenant', 't', '--json'], env);
      expect(listed.code, listed.stderr).toBe(0);
      expect((JSON.parse(listed.stdout) as { id: string }[]).map((f) => f.id)).toEqual([id]);
      expect(listed.stdout).not.toContain('a-password');
      const removed = await runKairos(['forward', 'remove', id, '--tenant', 't'], env);
      expect(removed.code, removed.stderr).toBe(0);
    } finally {
      await schema.drop();
    }
  });
});
