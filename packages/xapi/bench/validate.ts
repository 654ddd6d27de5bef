/**
 * Validation throughput: `npx tsx packages/xapi/bench/validate.ts` (from the repo root).
 * Validates batches of realistic statements (as parsed from JSON) and prints statements/s for the
 * hand-written validator, plus matchKeys + statementSignature, and the zod schema for comparison.
 */
import { matchKeys, statementSchema, statementSignature, validateStatements } from '../src/index.js';
import { validStatements } from '../src/test-support/fixtures.js';

const shapes = Object.values(validStatements);
const batch = Array.from({ length: 100 }, (_, i) => JSON.parse(JSON.stringify(shapes[i % shapes.length])));

function measure(name: string, run: () => void, statementsPerRun: number): number {
  for (let i = 0; i < 200; i++) run(); // warm-up
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) {
    run();
    runs++;
  }
  const perSecond = Math.round((runs * statementsPerRun) / ((performance.now() - start) / 1000));
  console.log(`${name.padEnd(40)} ${perSecond.toLocaleString('en-US').padStart(12)} statements/s`);
  return perSecond;
}

const validated = validateStatements(batch, { version: '2.0.0' });
measure('validateStatements (2.0.0)', () => validateStatements(batch, { version: '2.0.0' }), batch.length);
measure('validateStatements (1.0.3)', () => validateStatements(batch, { version: '1.0.3' }), batch.length);
measure(
  'validate + matchKeys + signature',
  () => {
    for (const s of validateStatements(batch, { version: '2.0.0' })) {
      matchKeys(s);
      statementSignature(s);
    }
  },
  batch.length,
);
measure(
  'matchKeys',
  () => {
    for (const s of validated) matchKeys(s);
  },
  batch.length,
);
measure(
  'statementSignature',
  () => {
    for (const s of validated) statementSignature(s);
  },
  batch.length,
);
measure(
  'zod statementSchema.safeParse',
  () => {
    for (const s of batch) statementSchema.safeParse(s);
  },
  batch.length,
);
