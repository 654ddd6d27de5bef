/**
 * LTI launch benchmark: full round trips (OIDC login → platform authorization → launch POST → learner page)
 * against the in-repo test platform, Kairos in-process on embedded PGlite. Reports the server time Kairos
 * spends per launch (login + launch requests, measured from request to response finish), p50/p95/p99.
 *
 *   npm run bench:lti -w @kairos/server [-- --launches 300]
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { createTestPlatform } from '../../../test/lti-platform/index.js';
import { launchOverHttp, registerByHand, startLtiKairos } from '../../../test/lti-platform/kairos.js';

const { values } = parseArgs({
  options: { launches: { type: 'string', default: '300' }, warmup: { type: 'string', default: '30' } },
});
const launches = Number(values.launches);
const warmup = Number(values.warmup);

const lms = await createTestPlatform();
await lms.start();
const kairos = await startLtiKairos({ lti: { agsEveryMs: 3_600_000 } });
await registerByHand(lms, kairos);

let current = 0;
kairos.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
  if (!req.url?.startsWith('/lti/login') && !req.url?.startsWith('/lti/launch')) return;
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    current += Number(process.hrtime.bigint() - started) / 1e6;
  });
});

const samples: number[] = [];
for (let i = 0; i < warmup + launches; i++) {
  current = 0;
  const user = { ...lms.users.learner, id: `bench-${i % 50}` };
  const res = await launchOverHttp(
    lms.loginUrl({ user, course: lms.course, resourceLink: { id: `link-${i % 5}` } }),
  );
  if (res.status !== 200 || !res.html.includes('kairos-launch'))
    throw new Error(`launch ${i} failed: ${res.status}`);
  if (i >= warmup) samples.push(current);
}
samples.sort((a, b) => a - b);
const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!.toFixed(2);
console.log(
  `LTI launch round trip, Kairos server time over ${launches} launches (PGlite, in-process test platform):`,
);
console.log(
  `  p50 ${q(0.5)} ms   p95 ${q(0.95)} ms   p99 ${q(0.99)} ms   max ${samples.at(-1)!.toFixed(2)} ms`,
);
console.log(`  budget: p95 < 30 ms → ${Number(q(0.95)) < 30 ? 'OK' : 'OVER BUDGET'}`);
await kairos.close();
await lms.close();
