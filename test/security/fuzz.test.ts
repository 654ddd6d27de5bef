import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTargets } from './fuzz/api.js';
import { Fuzzer } from './fuzz/harness.js';
import { ltiTargets } from './fuzz/lti.js';
import { random } from './fuzz/random.js';
import { type FuzzServer, startFuzzServer } from './fuzz/server.js';
import type { Target } from './fuzz/target.js';
import { STATEMENT_QUERY_PARAMS, xapiTargets } from './fuzz/xapi.js';

/*
 * Fuzzing of every JSON input and query parameter of /xapi, /api/v1 and /lti (issue 12): valid requests,
 * taken from the sources of truth (the OpenAPI document, the LRS's document resources, real LTI flows), are
 * mutated with a seeded random source and sent to the real app with credentials of the right scope. No answer
 * may be a 5xx, every error answer has the Kairos error shape, and the server still answers afterwards.
 *
 * Short mode (CI): 500 requests per area. Long mode: `KAIROS_FUZZ_RUNS=5000 npm run fuzz`.
 * Replay: each finding names its area, case and seed; `KAIROS_FUZZ_SEED` changes the base seed,
 * `KAIROS_FUZZ_CASE=xapi:123` runs that one case. `KAIROS_FUZZ_STORE=PostgreSQL|MongoDB` fuzzes another store.
 */

const RUNS = Number(process.env.KAIROS_FUZZ_RUNS ?? 500);
const SEED = Number(process.env.KAIROS_FUZZ_SEED ?? 20_261_207);
const ONLY = process.env.KAIROS_FUZZ_CASE?.split(':');
const AREAS: [string, (s: FuzzServer) => Promise<Target[]>][] = [
  ['xapi', xapiTargets],
  ['api', apiTargets],
  ['lti', ltiTargets],
];

describe('fuzzing /xapi, /api/v1 and /lti', () => {
  let s: FuzzServer;
  let fuzzer: Fuzzer;

  beforeAll(async () => {
    s = await startFuzzServer();
    fuzzer = new Fuzzer(s.url);
  }, 60_000);

  afterAll(async () => {
    if (fuzzer) {
      // what the 502s passed on: the LMS's answers, as the server logged them
      const upstream = new Set(
        s.errors().flatMap((l) => {
          const line = JSON.parse(l) as { status?: number; reason?: string };
          return line.status === 502 && line.reason
            ? [line.reason.replace(/[0-9a-f-]{36}/g, '…').slice(0, 120)]
            : [];
        }),
      );
      if (upstream.size) console.log(`502 reasons (the LMS's):\n${[...upstream].join('\n')}`);
      console.log(
        `fuzz (seed ${SEED}, ${RUNS} per area, store ${process.env.KAIROS_FUZZ_STORE ?? 'PGlite'}):\n${fuzzer.report()}`,
      );
      fuzzer.close();
    }
    await s?.close();
  }, 30_000);

  /** The server still serves valid requests of every area. */
  const stillUp = async () => {
    const headers = { authorization: s.key, 'x-experience-api-version': '2.0.0' };
    const statements = await fetch(`${s.url}/xapi/statements?limit=1`, { headers });
    const courses = await fetch(`${s.url}/api/v1/courses`, { headers });
    const login = await fetch(s.lms.loginUrl({ user: s.lms.users.learner, course: s.lms.course }), {
      redirect: 'manual',
    });
    return [statements.status, courses.status, login.status];
  };

  it('the LRS recognises every statement query parameter the fuzzer mutates', async () => {
    for (const name of STATEMENT_QUERY_PARAMS) {
      const res = await fetch(`${s.url}/xapi/statements?${name}=x`, {
        headers: { authorization: s.key, 'x-experience-api-version': '2.0.0' },
      });
      expect(`${name}: ${(await res.json()).message}`).not.toMatch(/unknown query parameter/);
    }
  });

  for (const [index, [area, targetsOf]] of AREAS.entries()) {
    it(
      `${area}: ${RUNS} mutated requests, no 5xx, every error in the Kairos shape, server still up`,
      async () => {
        const targets = await targetsOf(s);
        expect(targets.length).toBeGreaterThan(5);
        for (let i = 0; i < RUNS; i++) {
          if (ONLY && (ONLY[0] !== area || Number(ONLY[1]) !== i)) continue;
          const target = targets[i % targets.length]!;
          const seed = SEED + index * 1_000_003 + i;
          const req = await target.mutated(random(seed));
          await fuzzer.check(area, `${target.name} [case ${i}]`, seed, req, target.shape, target.upstream);
        }
        expect(await stillUp()).toEqual([200, 200, 302]);
        const findings = fuzzer.findings.filter((f) => f.area === area);
        if (findings.length > 0) {
          console.log(`${area} findings:\n${JSON.stringify(findings.slice(0, 20), null, 1)}`);
          const crashes = new Set(
            s.errors().flatMap((l) => {
              const err = (JSON.parse(l) as { err?: { message?: string; stack?: string } }).err;
              return err
                ? [
                    `${err.message} @ ${err.stack
                      ?.split('\n')
                      .slice(1, 5)
                      .map((l) => l.trim())
                      .join(' < ')}`,
                  ]
                : [];
            }),
          );
          console.log(`server errors logged:\n${[...crashes].join('\n')}`);
        }
        expect(findings.map((f) => `${f.template}: ${f.problem}`)).toEqual([]);
      },
      60_000 + RUNS * 300,
    );
  }
});
