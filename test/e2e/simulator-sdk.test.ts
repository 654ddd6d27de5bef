import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoOptions,
  demoClass,
  demoCourseIri,
  demoStart,
} from '../../packages/server/src/demo/index.js';
import { chromiumPath, launchChromium, skipBrowserTests } from '../support/browser.js';
import { type KairosProcess, runKairos, startKairos, tempDataDir } from '../support/kairos-process.js';

// Issue 11: the class simulator drives its learners through the browser SDK in Chromium, as an option
// (`kairos demo --browser`): each learner's tracker, with a learner token of its own, sends what the batched
// posts send. Two tenants of one real server get the same class, one over HTTP and one through the SDK.

const SMALL: DemoOptions = { seed: 5, learners: 6, days: 3 };
const course = demoCourseIri(SMALL);
const C = encodeURIComponent(course);

interface Stored {
  id: string;
  actor: { account: { name: string } };
  verb: { id: string };
  object: { id: string };
  authority?: unknown;
  stored?: string;
  version?: string;
  [k: string]: unknown;
}

/** Every statement an `Authorization` header can read, oldest first. */
async function statementsOf(base: string, authorization: string): Promise<Stored[]> {
  const all: Stored[] = [];
  for (let path = '/xapi/statements?ascending=true&limit=500'; path; ) {
    const res = await fetch(`${base}${path}`, {
      headers: { authorization, 'x-experience-api-version': '2.0.0' },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { statements: Stored[]; more?: string };
    all.push(...page.statements);
    path = page.more ?? '';
  }
  return all;
}

/** Statements per learner, verb and activity: what a class's statements mean, whoever sent them. */
const meaning = (statements: Stored[]) => {
  const counts: Record<string, number> = {};
  for (const s of statements) {
    const key = `${s.actor.account.name} ${s.verb.id.split('/').pop()} ${s.object.id}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

/** A statement as its sender wrote it: without what the LRS adds (authority, stored, version). */
const sentPart = ({ authority: _a, stored: _s, version: _v, ...rest }: Stored) => rest;

interface StuckPoints {
  activities: { activity: string; flagged: boolean; n: number }[];
}

/** The course's stuck points once the projection has every learner of the class (it runs behind the writes). */
async function settledStuckPoints(
  base: string,
  authorization: string,
  learners: number,
): Promise<StuckPoints> {
  let last: StuckPoints | undefined;
  await expect
    .poll(
      async () => {
        const res = await fetch(`${base}/api/v1/courses/${C}/stuck-points`, { headers: { authorization } });
        last = (await res.json()) as StuckPoints;
        const overview = (await (
          await fetch(`${base}/api/v1/courses/${C}/learners`, { headers: { authorization } })
        ).json()) as { learners: { lastSeen?: string }[] };
        return overview.learners.filter((l) => l.lastSeen).length;
      },
      { timeout: 30_000 },
    )
    .toBe(learners);
  return last!;
}

const keyIn = async (dataDir: string, tenant: string) => {
  const r = await runKairos(
    ['keys', 'create', '--name', `sim-${tenant}`, '--scopes', 'all', '--tenant', tenant, '--json'],
    { KAIROS_DATA_DIR: dataDir },
  );
  expect(r.code).toBe(0);
  const { key, secret } = JSON.parse(r.stdout) as { key: string; secret: string };
  return { arg: `${key}:${secret}`, auth: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` };
};

describe.skipIf(skipBrowserTests)(
  'the class simulator through the SDK in Chromium (kairos demo --browser)',
  () => {
    let k: KairosProcess;
    const dataDir = tempDataDir();
    const env = { KAIROS_DATA_DIR: dataDir, CHROMIUM_PATH: chromiumPath };
    const sim = demoClass(SMALL, demoStart(SMALL));
    const expected = [...sim.statements()];
    const starters = sim.learners.filter((l) => l.profile !== 'never-starts').length;

    beforeAll(async () => {
      // first: without Chromium (on CI) this fails, with the fix, before anything starts
      await (await launchChromium()).close();
      k = await startKairos({ ...env, KAIROS_DEMO: '1' });
    }, 120_000);
    afterAll(async () => {
      await k?.stop();
    });

    it('stores what the HTTP path stores for the same seed, and the projection shows the same stuck point', async () => {
      const [http, sdk] = [await keyIn(dataDir, 'over-http'), await keyIn(dataDir, 'through-sdk')];
      const common = ['--learners', '6', '--days', '3', '--seed', '5', '--url', k.url];
      const viaHttp = await runKairos(['demo', ...common, '--key', http.arg, '--quiet'], env);
      expect(viaHttp.code).toBe(0);
      const t0 = Date.now();
      const viaSdk = await runKairos(['demo', '--browser', ...common, '--key', sdk.arg], env, 90_000);
      console.info(`6 learners, ${expected.length} statements through the SDK: ${Date.now() - t0} ms`);
      expect(viaSdk.stderr).not.toContain('kairos:');
      expect(viaSdk.code).toBe(0);
      expect(viaSdk.stdout).toContain(`6 learners, ${expected.length} statements`);
      // the progress bar, as for the HTTP path (plain lines: stderr is not a terminal)
      expect(viaSdk.stderr).toContain(
        `${expected.length}/${expected.length} statements | sending (SDK in Chromium)`,
      );

      const [a, b] = [await statementsOf(k.url, http.auth), await statementsOf(k.url, sdk.auth)];
      expect(a.length).toBe(expected.length);
      expect(b.length).toBe(a.length);
      expect(meaning(b)).toEqual(meaning(a));
      expect(Object.keys(meaning(b)).length).toBeGreaterThan(50);
      // more than the meaning: the SDK kept the simulator's ids, timestamps and everything else it was given
      const byId = new Map(a.map((s) => [s.id, sentPart(s)]));
      for (const s of b) expect(sentPart(s)).toEqual(byId.get(s.id));
      // and each statement was written with a learner token of its own learner (the key vouches for both)
      const sdkAuthorities = new Set(b.map((s) => JSON.stringify(s.authority)));
      expect(sdkAuthorities.size).toBe(1);
      expect([...sdkAuthorities][0]).not.toBe(JSON.stringify(a[0]!.authority));

      const [stuckA, stuckB] = [
        await settledStuckPoints(k.url, http.auth, starters),
        await settledStuckPoints(k.url, sdk.auth, starters),
      ];
      expect(stuckB.activities[0]).toMatchObject({ activity: sim.course.stuckActivity, flagged: true });
      expect(stuckB.activities.map((s) => [s.activity, s.flagged, s.n])).toEqual(
        stuckA.activities.map((s) => [s.activity, s.flagged, s.n]),
      );
    }, 150_000);

    it('without --url, the server drives Chromium and the demo links open the class', async () => {
      const r = await runKairos(
        ['demo', '--browser', '--learners', '6', '--days', '3', '--seed', '5'],
        env,
        90_000,
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`demo course ${course}: 6 learners, ${expected.length} statements`);
      expect(r.stderr).toContain('(SDK in Chromium)');
      const html = await (await fetch(`${k.url}/demo?course=${C}`)).text();
      const token = /name="token" value="([^"]+)"/.exec(html)![1]!;
      const bearer = `Bearer ${token}`;
      expect((await statementsOf(k.url, bearer)).length).toBe(expected.length);
      const stuck = await settledStuckPoints(k.url, bearer, starters);
      expect(stuck.activities[0]).toMatchObject({ activity: sim.course.stuckActivity, flagged: true });
    }, 120_000);

    it('says how to fix a missing Chromium, and leaves no half-seeded demo course behind', async () => {
      const other = ['--learners', '7', '--days', '3', '--seed', '5'];
      const missing = '/nonexistent/chromium';
      const local = await runKairos(['demo', '--browser', '--chromium', missing, ...other], env);
      expect(local.code).toBe(1);
      expect(local.stderr).toContain(`Chromium not found at ${missing}: install it`);
      const seven = encodeURIComponent(demoCourseIri({ ...SMALL, learners: 7 }));
      expect((await fetch(`${k.url}/demo?course=${seven}`)).status).toBe(404);
      const { arg } = await keyIn(dataDir, 'no-chromium');
      const remote = await runKairos(
        ['demo', '--browser', '--chromium', missing, ...other, '--url', k.url, '--key', arg],
        env,
      );
      expect(remote.code).toBe(1);
      expect(remote.stderr).toContain(`Chromium not found at ${missing}: install it`);
      const usage = await runKairos(['demo', '--chromium', missing], env);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('--chromium goes with --browser');
    }, 60_000);
  },
);
