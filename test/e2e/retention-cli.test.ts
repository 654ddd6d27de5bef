import { randomUUID } from 'node:crypto';
import { afterEach, expect, it, vi } from 'vitest';
import { localOperations } from '../../packages/server/src/admin/operations.js';
import { loadConfig } from '../../packages/server/src/config/index.js';
import { openStores } from '../../packages/server/src/storage/open.js';
import { type KairosProcess, runKairos, startKairos, tempDataDir } from '../support/kairos-process.js';

// `kairos retention` as an administrator runs it: on the embedded store with no server (the CLI opens the
// stores), then through a running server's admin channel. Three statements stored two years ago (the
// seeding runs under a clock set back), two stored now; tenant `school` keeps 12 months.

const running: KairosProcess[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

const statement = (i: number) => ({
  id: randomUUID(),
  actor: { account: { homePage: 'https://lms.example', name: `learner-${i}` } },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
  object: { id: `https://course.example/q${i}` },
  result: { success: i % 2 === 0 },
});

async function seed(dataDir: string): Promise<void> {
  const stores = await openStores(loadConfig({ KAIROS_DATA_DIR: dataDir }));
  try {
    const ops = localOperations(stores, 'http://lrs.test');
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(new Date(Date.now() - 2 * 365 * 86_400_000));
    await ops.importStatements('school', [0, 1, 2].map(statement), '2.0.0');
    vi.useRealTimers();
    await ops.importStatements('school', [3, 4].map(statement), '2.0.0');
  } finally {
    vi.useRealTimers();
    await stores.close();
  }
}

it('set, show, dry run and run on the stores, then through the running server; bad input exits 2', {
  timeout: 180_000,
}, async () => {
  const dataDir = tempDataDir();
  const env = { KAIROS_DATA_DIR: dataDir };
  await seed(dataDir);

  for (const [args, message] of [
    [['--tenant', 'school', '--months', '0'], /--months takes a whole number of months from 1 to 1200/],
    [['--tenant', 'school', '--months', 'abc'], /--months takes a whole number .*got "abc"/],
    [['--tenant', 'nobody', '--months', '6'], /unknown tenant "nobody"/],
    [['--months', '6'], /retention set needs --tenant T/],
  ] as const) {
    const bad = await runKairos(['retention', 'set', ...args], env);
    expect({ code: bad.code, stderr: bad.stderr }).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(message),
    });
  }
  expect((await runKairos(['retention', 'purge'], env)).code).toBe(2);

  const set = await runKairos(['retention', 'set', '--tenant', 'school', '--months', '12'], env);
  expect(set.code).toBe(0);
  expect(set.stdout).toMatch(/tenant school: statements stored more than 12 months ago are purged/);
  const shown = await runKairos(['retention', 'show', '--json'], env);
  expect(JSON.parse(shown.stdout)).toMatchObject([{ tenantId: 'school', months: 12 }]);

  const dry = await runKairos(['retention', 'run', '--dry-run'], env);
  expect(dry.code).toBe(0);
  expect(dry.stdout).toMatch(
    /tenant school \(keep 12 months, stored before \S+\): would purge 3 statements, 0 documents \(dry run: nothing deleted\)/,
  );
  // nothing went: the same dry run counts the same
  const dryJson = JSON.parse((await runKairos(['retention', 'run', '--dry-run', '--json'], env)).stdout);
  expect(dryJson).toMatchObject({ dryRun: true, tenants: [{ tenantId: 'school', statements: 3 }] });

  // through the running server (the embedded store allows one process: the CLI goes by its admin channel)
  const server = await startKairos(env);
  running.push(server);
  const unknown = await runKairos(['retention', 'run', '--tenant', 'nobody'], env);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/unknown tenant "nobody"/);
  const run = await runKairos(['retention', 'run', '--json'], env);
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/the server runs retention/);
  expect(JSON.parse(run.stdout)).toMatchObject({
    dryRun: false,
    tenants: [
      { tenantId: 'school', months: 12, statements: 3, documents: 0, attachments: 0, reprojected: true },
    ],
  });
  const after = JSON.parse((await runKairos(['retention', 'show', '--json'], env)).stdout);
  expect(after).toMatchObject([{ tenantId: 'school', months: 12, lastRun: { statements: 3 } }]);
  const again = await runKairos(['retention', 'run', '--tenant', 'school'], env);
  expect(again.stdout).toMatch(/purged 0 statements, 0 documents, 0 attachments/);

  const audit = JSON.parse((await runKairos(['audit', '--tenant', 'school', '--json'], env)).stdout) as {
    action: string;
    actor: string;
  }[];
  // (the server's own job checks a minute after its start: its entries, if any by now, are left out)
  const byCli = audit.filter((e) => e.action.startsWith('retention') && e.actor.startsWith('cli'));
  expect(byCli.map((e) => [e.action, e.actor])).toEqual([
    ['retention.set', 'cli'],
    ['retention-dry-run', 'cli'],
    ['retention-dry-run', 'cli'],
    ['retention', 'cli (admin channel)'],
    ['retention', 'cli (admin channel)'],
  ]);

  const cleared = await runKairos(['retention', 'set', '--tenant', 'school', '--months', 'off'], env);
  expect(cleared.stdout).toMatch(/tenant school: retention removed/);
  expect((await runKairos(['retention', 'show'], env)).stdout).toMatch(/no tenant has a retention/);
});
