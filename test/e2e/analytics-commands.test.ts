import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { frameworkCsv, simulateClass } from '../../packages/server/src/simulator/index.js';
import { type KairosProcess, runKairos, startKairos, tempDataDir } from '../support/kairos-process.js';

describe('analytics commands through a running server on the embedded store', () => {
  const dataDir = tempDataDir();
  const env = { KAIROS_DATA_DIR: dataDir };
  let server: KairosProcess;
  afterAll(async () => {
    await server?.stop();
  });

  it('imports a framework, and reprojects while the server answers with the same figures', async () => {
    server = await startKairos(env);
    const sim = simulateClass({ seed: 5, learners: 12, days: 10, start: new Date('2026-02-02T08:00:00Z') });
    const csv = join(dataDir, 'framework.csv');
    writeFileSync(csv, frameworkCsv(sim.course));
    const imported = await runKairos(
      ['competencies', 'import', csv, '--framework', 'fractions', '--quiet'],
      env,
    );
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/imported framework fractions .* 6 competencies/);
    const bad = join(dataDir, 'bad.csv');
    writeFileSync(bad, 'code,title,type\nK1,One,skill\n');
    const refused = await runKairos(['competencies', 'import', bad], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/line 2: type must be savoir or competence/);

    const key = JSON.parse(
      (await runKairos(['keys', 'create', '--name', 'sim', '--scopes', 'all', '--json'], env)).stdout,
    ) as { key: string; secret: string };
    const auth = `Basic ${Buffer.from(`${key.key}:${key.secret}`).toString('base64')}`;
    const all = [...sim.statements()];
    for (let i = 0; i < all.length; i += 200) {
      const res = await fetch(`${server.url}/xapi/statements`, {
        method: 'POST',
        headers: {
          authorization: auth,
          'content-type': 'application/json',
          'x-experience-api-version': '2.0.0',
        },
        body: JSON.stringify(all.slice(i, i + 200)),
      });
      expect(res.status).toBe(200);
    }
    const stuck = async () => {
      const res = await fetch(
        `${server.url}/api/v1/courses/${encodeURIComponent(sim.course.iri)}/stuck-points?asOf=2026-02-20T00:00:00Z`,
        { headers: { authorization: auth } },
      );
      return (await res.json()) as { activities: { activity: string; n: number; score: number }[] };
    };
    // every statement projected (the lag on /readyz), and the course refreshed after the last batch
    for (let i = 0; i < 200; i++) {
      const ready = (await (await fetch(`${server.url}/readyz`)).json()) as {
        projection?: { tenants: { statements: number }[] };
      };
      if (ready.projection?.tenants[0]?.statements === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const before = await stuck();
    expect(before.activities.length).toBeGreaterThan(0);
    const reprojected = await runKairos(['reproject'], env);
    expect(reprojected.code).toBe(0);
    expect(reprojected.stdout).toMatch(
      new RegExp(`reprojected tenant default: ${all.length} statements in .* generation 2 now active`),
    );
    expect(await stuck()).toEqual(before);
  });
});
