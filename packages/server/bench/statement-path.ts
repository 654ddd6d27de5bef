/**
 * The server's own work per stored statement, stage by stage, without HTTP or a database: `npm run
 * bench:path -- [--mode=small] [--statements N] [--rounds N]` (from the repo root). Documented in
 * docs/benchmarks.md ("The server's work per statement").
 *
 * A batch of N statements of the soak's shape (bench/soak-statements.ts) goes through what `POST
 * /xapi/statements` does to it in the server process, each stage timed on its own and the stages
 * interleaved over `--rounds` rounds (the median round is printed, so a busy machine moves every stage
 * alike): the body parsed (`JSON.parse`), validated (`validateStatements`), prepared for the store
 * (`prepareStatement`: LRS properties, signature, index terms, key), and serialised into the PostgreSQL
 * insert's JSON document (`insertRowsJson`, index terms hashed); plus the two pieces of `prepareStatement`
 * that cost most, the signature (`statementSignature`, canonical JSON) and the index terms' ids (`termId`).
 * Microseconds of CPU per statement, each stage after a full garbage collection (so it pays for its own
 * garbage only, as far as it collects it). The HTTP stack, the database and the projection are what
 * `npm run bench:ingest` adds on top.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Agent, type Statement, statementSignature, validateStatements } from '@kairos/xapi';
import { prepareStatement, termsOf } from '../src/lrs/statements/prepare.js';
import { insertRowsJson } from '../src/storage/record/sql/statements.js';
import { termId } from '../src/storage/record/sql/terms.js';
import type { StatementRecord } from '../src/storage/types.js';
import { soakStatement } from './soak-statements.js';
import { benchArgs, printTable, round } from './support.js';

const { values: opts } = benchArgs(
  {
    mode: { type: 'string', default: 'full' },
    statements: { type: 'string' },
    rounds: { type: 'string' },
    help: { type: 'boolean', default: false },
  } as const,
  'bench:path',
);
if (opts.help) {
  console.log(`npm run bench:path -- [options]
  --mode=small     CI-cheap: 1,000 statements, 5 rounds
  --statements N   statements per batch and round (default 5,000)
  --rounds N       interleaved rounds; the median is printed (default 15)`);
  process.exit(0);
}
const small = opts.mode === 'small';
const n = Number(opts.statements ?? (small ? 1000 : 5000));
const rounds = Number(opts.rounds ?? (small ? 5 : 15));

const authority = {
  objectType: 'Agent',
  account: { homePage: 'https://kairos.example', name: 'bench-key' },
} as Agent;
const body = JSON.stringify(Array.from({ length: n }, () => soakStatement(500)));
const parsed = JSON.parse(body) as Statement[];
const prepare = (s: Statement) =>
  prepareStatement(s, { tenantId: 'bench', authority, version: '2.0.0', now: Date.now() });
const prepared: StatementRecord[] = parsed.map(prepare);
const terms = parsed.flatMap((s) => termsOf(s));

/** The stages, each a function over the whole batch. */
const stages: [string, () => unknown][] = [
  ['parse the body (JSON.parse)', () => JSON.parse(body)],
  ['validate (validateStatements)', () => validateStatements(JSON.parse(body), { version: '2.0.0' })],
  ['prepare (prepareStatement)', () => parsed.map(prepare)],
  ['  of which the signature', () => parsed.map((s) => statementSignature(s))],
  [`  of which the term ids (${round(terms.length / n)} per statement)`, () => terms.map(termId)],
  ['serialise the insert (insertRowsJson)', () => insertRowsJson(prepared)],
];
// a full collection before each stage, so a stage pays for collecting its own garbage, not the last one's
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const samples = new Map<string, number[]>(stages.map(([name]) => [name, []]));

for (const [, run] of stages) run(); // warm-up: every stage compiled before the first timed round
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of stages) {
    gc();
    const t = process.cpuUsage();
    run();
    const used = process.cpuUsage(t);
    samples.get(name)!.push((used.user + used.system) / n);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const parse = median(samples.get(stages[0]![0])!);
const rows = stages.map(([name]) => {
  let us = median(samples.get(name)!);
  // validation gets a freshly parsed batch each round, as a request does: its parse is the first row's
  if (name.startsWith('validate')) us -= parse;
  return [name, us.toFixed(2)];
});
const total = rows
  .filter(([name]) => !String(name).startsWith('  '))
  .reduce((sum, [, us]) => sum + Number(us), 0);
console.log(
  `bench:path: ${n.toLocaleString('en-US')} statements × ${rounds} rounds, median round, µs of CPU per statement (Node ${process.version})`,
);
printTable(
  ['stage', 'µs/statement'],
  [...rows, ['total (the stages above, not the "of which")', total.toFixed(2)]],
);
