import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../packages/server/src/privacy/audit.js';
import type { LearnerExport } from '../../packages/server/src/privacy/export.js';
import { learnerDigest } from '../../packages/server/src/privacy/identity.js';
import { type KairosProcess, runKairos, startKairos, tempDataDir } from '../support/kairos-process.js';

// `kairos export`, `kairos forget` and `kairos audit` while `kairos serve` holds the embedded data
// directory: the CLI cannot open PGlite beside the server, so it sends them through the server's admin
// channel (admin/remote.ts, POST /admin/v1/privacy/*, GET /admin/v1/audit). privacy-forget.test.ts covers
// what an erasure removes on each store; this test covers that path.

const HOME = 'https://lms.example';
const ANN = `ann-${randomUUID()}`; // a needle nothing else holds
const BOB = `bob-${randomUUID()}`;
const agent = (name: string) => ({ objectType: 'Agent', account: { homePage: HOME, name } });
const learnerId = (name: string) => `account:${HOME}|${name}`;
const statement = (name: string, i: number) => ({
  id: randomUUID(),
  actor: agent(name),
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
  object: { id: `https://course.example/q${i}` },
  result: { success: i % 2 === 0 },
});

const running: KairosProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

describe('privacy commands through a running server (embedded store)', () => {
  it('export, forget and audit go through the admin channel', async () => {
    const dataDir = tempDataDir();
    const env = { KAIROS_DATA_DIR: dataDir };
    const server = await startKairos(env);
    running.push(server);
    const secret = readFileSync(join(dataDir, 'secret'), 'utf8').trim();

    const created = await runKairos(['keys', 'create', '--name', 'lms', '--scopes', 'all', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout) as { key: string; secret: string };
    const xapi = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}/xapi${path}`, {
        ...init,
        headers: {
          authorization: `Basic ${Buffer.from(`${key.key}:${key.secret}`).toString('base64')}`,
          'x-experience-api-version': '2.0.0',
          'content-type': 'application/json',
          ...init.headers,
        },
      });
    const q = (who: string) => encodeURIComponent(JSON.stringify(agent(who)));
    const idsOf = async (who: string) => {
      const res = await xapi(`/statements?agent=${q(who)}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { statements: { id: string }[] }).statements.map((s) => s.id).sort();
    };
    const profile = (who: string) => `/agents/profile?agent=${q(who)}&profileId=prefs`;

    // Ann: three statements and a profile document; Bob: two statements and a profile document
    const ann = [0, 1, 2].map((i) => statement(ANN, i));
    const bob = [3, 4].map((i) => statement(BOB, i));
    expect(
      (await xapi('/statements', { method: 'POST', body: JSON.stringify([...ann, ...bob]) })).status,
    ).toBe(200);
    for (const who of [ANN, BOB])
      expect(
        (await xapi(profile(who), { method: 'PUT', body: JSON.stringify({ theme: 'dark', who }) })).status,
      ).toBe(204);
    const annIds = ann.map((s) => s.id).sort();
    const bobIds = bob.map((s) => s.id).sort();
    expect(await idsOf(ANN)).toEqual(annIds);

    // export: her statements and document, nobody else's, in a file only the owner reads
    const file = join(dataDir, 'ann-export.json');
    const exported = await runKairos(['export', '--learner', learnerId(ANN), '--out', file], env);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain(`exported 3 statements in 1 tenants to ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    const data = JSON.parse(text) as LearnerExport;
    expect(data.format).toBe('kairos-learner-export/1');
    expect(data.learner).toBe(learnerId(ANN));
    expect(data.tenants.map((t) => t.tenantId)).toEqual(['default']);
    const [tenant] = data.tenants;
    expect(tenant!.statements.map((s) => (s as { id: string }).id).sort()).toEqual(annIds);
    expect(tenant!.documents).toHaveLength(1);
    expect(JSON.stringify(tenant!.documents[0])).toContain(ANN); // her profile document
    for (const id of bobIds) expect(text).not.toContain(id);
    expect(text).not.toContain(BOB);

    // forget, through the server: her statements and document go, Bob's stay
    const forgot = await runKairos(['forget', '--learner', learnerId(ANN)], env);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(forgot.stderr).toContain('the server erases the learner'); // the remote path's progress line
    expect(forgot.stdout).toMatch(
      /^tenant default: 3 statements, 1 documents, 0 attachments, 0 grade posts, \d+ cache keys erased; analytics rows: .*; course figures recomputed\n$/,
    );
    expect(await idsOf(ANN)).toEqual([]);
    for (const id of annIds) expect((await xapi(`/statements?statementId=${id}`)).status).toBe(404);
    expect((await xapi(profile(ANN))).status).toBe(404);
    expect(await idsOf(BOB)).toEqual(bobIds);
    expect((await xapi(profile(BOB))).status).toBe(200);
    // again: nothing left to erase
    const again = await runKairos(['forget', '--learner', learnerId(ANN)], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^nothing to erase: no data of this learner/);

    // audit: the server's entries, by the admin channel, the learner as an HMAC only
    const audit = await runKairos(['audit', '--json'], env);
    expect(audit.code, audit.stderr).toBe(0);
    const entries = JSON.parse(audit.stdout) as AuditEntry[];
    const target = `learner:${learnerDigest(secret, learnerId(ANN))}`;
    const brief = (e: AuditEntry) => ({
      action: e.action,
      actor: e.actor,
      tenantId: e.tenantId,
      target: e.target,
    });
    expect(entries.filter((e) => ['export', 'forget'].includes(e.action)).map(brief)).toEqual([
      { action: 'export', actor: 'cli (admin channel)', tenantId: '*', target },
      { action: 'forget', actor: 'cli (admin channel)', tenantId: '*', target },
      { action: 'forget', actor: 'cli (admin channel)', tenantId: '*', target },
    ]);
    expect(entries.find((e) => e.action === 'export')!.details).toEqual({
      tenants: [{ tenantId: 'default', statements: 3, documents: 1 }],
    });
    // what each forget erased: 3 statements of tenant default, then nothing
    const erased = (e: AuditEntry) =>
      (e.details!.tenants as { tenantId: string; statements: number }[]).map((t) => [
        t.tenantId,
        t.statements,
      ]);
    expect(entries.filter((e) => e.action === 'forget').map(erased)).toEqual([[['default', 3]], []]);
    const lines = await runKairos(['audit'], env);
    expect(lines.code, lines.stderr).toBe(0);
    expect(lines.stdout).toContain(`forget  ${target}  by cli (admin channel)`);
    for (const out of [audit.stdout, lines.stdout]) {
      expect(out).not.toContain(ANN);
      expect(out).not.toContain(BOB);
    }
  }, 120_000);
});
