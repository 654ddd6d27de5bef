/**
 * Statements of the index-terms benchmark (bench/index-terms.ts), and the learner population and statement
 * shape the ingestion benchmark (bench/ingest.ts) posts too; for bench:terms, prepared
 * by the LRS's own `prepareStatement` so every statement carries exactly the terms Kairos stores, then reduced
 * to what each candidate schema needs: the hashed terms, all or fewer, plain or with the tenant folded in.
 */
import { randomUUID } from 'node:crypto';
import { agentKey, type Statement } from '@kairos/xapi';
import { prepareStatement } from '../src/lrs/statements/prepare.js';
import { termId } from '../src/storage/record/sql/terms.js';

/** The one tenant of the benchmark and the API key's authority (its `au:` term). */
export const TENANT = 'bench-terms';
export const AUTHORITY = {
  objectType: 'Agent' as const,
  account: { homePage: 'http://kairos.bench', name: 'bench' },
};
export const AUTHORITY_KEY = agentKey(AUTHORITY)!;

/** The learner population: `small` shrinks it so that filters still match several pages of a small store. */
export interface Population {
  courses: number;
  sequencesPerCourse: number;
  itemsPerSequence: number;
  learners: number;
}
export const population = (small: boolean): Population => ({
  courses: small ? 2 : 10,
  sequencesPerCourse: 5,
  itemsPerSequence: 10,
  learners: small ? 200 : 2000,
});

const HOME = 'https://moodle.example.edu';
export const VERBS = {
  answered: 'http://adlnet.gov/expapi/verbs/answered',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  progressed: 'http://adlnet.gov/expapi/verbs/progressed',
};
export const CATEGORY = 'https://kairos.dev/xapi/profile/v1';
export const courseId = (c: number) => `${HOME}/course/view.php?id=${100 + c}`;
export const sequenceId = (c: number, s: number) =>
  `https://content.example.edu/courses/${100 + c}/sequences/${s}`;
export const itemId = (c: number, s: number, i: number) => `${sequenceId(c, s)}/items/q${i}`;
export const learner = (n: number) => ({
  objectType: 'Agent',
  account: { homePage: HOME, name: `learner-${n}` },
});
export const learnerKey = (n: number) => agentKey(learner(n) as Statement['actor'])!;

export const rnd = (n: number) => Math.floor(Math.random() * n);

/** The statement generator of bench/ingest.ts over `p`, with its registrations per learner × sequence. */
export function statementMaker(p: Population): () => Record<string, unknown> {
  const registrations = new Map<string, string>();
  const registrationOf = (l: number, c: number, s: number) => {
    const k = `${l}:${c}:${s}`;
    let r = registrations.get(k);
    if (!r) {
      r = randomUUID();
      if (registrations.size < 200_000) registrations.set(k, r);
    }
    return r;
  };
  return () => {
    const l = rnd(p.learners);
    const c = rnd(p.courses);
    const s = rnd(p.sequencesPerCourse);
    const i = rnd(p.itemsPerSequence);
    const roll = Math.random();
    const verb = roll < 0.7 ? 'answered' : roll < 0.85 ? 'completed' : 'progressed';
    const correct = Math.random() < 0.6;
    const seconds = (5 + Math.random() * 120).toFixed(2);
    const result: Record<string, unknown> =
      verb === 'progressed'
        ? {
            duration: `PT${seconds}S`,
            extensions: {
              'https://kairos.dev/xapi/extensions/progress': Math.round(Math.random() * 100) / 100,
            },
          }
        : {
            score: { scaled: correct ? 1 : 0.25, raw: correct ? 4 : 1, min: 0, max: 4 },
            success: correct,
            completion: true,
            response: correct ? 'b' : 'c',
            duration: `PT${seconds}S`,
            extensions: { 'https://kairos.dev/xapi/extensions/time/idle-seconds': rnd(30) },
          };
    return {
      id: randomUUID(),
      actor: learner(l),
      verb: { id: VERBS[verb], display: { 'en-US': verb } },
      object: {
        objectType: 'Activity',
        id: itemId(c, s, i),
        definition: {
          type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
          name: { 'en-US': `Question ${i + 1} of sequence ${s + 1}`, 'fr-FR': `Question ${i + 1}` },
          description: { 'en-US': 'Which of these fractions is equivalent to 2/4?' },
          interactionType: 'choice',
          correctResponsesPattern: ['b'],
          choices: [
            { id: 'a', description: { 'en-US': '1/3' } },
            { id: 'b', description: { 'en-US': '1/2' } },
            { id: 'c', description: { 'en-US': '3/4' } },
            { id: 'd', description: { 'en-US': '2/3' } },
          ],
          extensions: { 'https://kairos.dev/xapi/extensions/level': 'entrainement' },
        },
      },
      result,
      context: {
        registration: registrationOf(l, c, s),
        platform: 'Kairos SDK',
        language: 'en-US',
        contextActivities: {
          parent: [
            {
              objectType: 'Activity',
              id: sequenceId(c, s),
              definition: { type: 'http://adlnet.gov/expapi/activities/module' },
            },
          ],
          grouping: [
            {
              objectType: 'Activity',
              id: courseId(c),
              definition: { type: 'http://adlnet.gov/expapi/activities/course' },
            },
          ],
          category: [{ objectType: 'Activity', id: CATEGORY }],
        },
        extensions: {
          'https://kairos.dev/xapi/extensions/attempt': 1 + rnd(3),
          'https://kairos.dev/xapi/extensions/sdk': 'kairos-sdk/0.1.0',
        },
      },
      timestamp: new Date(Date.now() - rnd(5000)).toISOString(),
    };
  };
}

/**
 * The "fewer terms" rule: a related term that another stored term already implies is left out. `ra:X` goes
 * when the statement has `a:X` (the actor is a related agent) or `au:X` (the LRS sets the authority from the
 * credential, so the writer's agent is the authority); `ro:X` goes when it has `o:X`. A `related_*` filter
 * then looks for any of the implying terms: see {@link relatedAlternatives}.
 */
export function fewerTerms(terms: string[]): string[] {
  const set = new Set(terms);
  return terms.filter((t) => {
    if (t.startsWith('ra:')) return !set.has(`a:${t.slice(3)}`) && !set.has(`au:${t.slice(3)}`);
    if (t.startsWith('ro:')) return !set.has(`o:${t.slice(3)}`);
    return true;
  });
}

/** The terms a filter on `term` matches under the "fewer terms" rule (one, or the implying ones). */
export function relatedAlternatives(term: string): string[] {
  if (term.startsWith('ra:')) return [`a:${term.slice(3)}`, term, `au:${term.slice(3)}`];
  if (term.startsWith('ro:')) return [`o:${term.slice(3)}`, term];
  return [term];
}

/** A term hash with the tenant folded in: what a `statement_index` without its tenant column keys on. */
export const foldTenant = (tenant: string, hash: string) => termId(`${tenant}:${hash}`);

/** One statement as the benchmark stores it: the production row and its terms in each candidate's form. */
export interface BenchRow {
  key: string;
  id: string;
  stored: string;
  body: string;
  signature: string;
  actorKey: string | null;
  /** Term texts (production's: own terms plus the writer's `au:`). */
  terms: string[];
  hashes: { all: string[]; fewer: string[]; allFolded: string[]; fewerFolded: string[] };
  registration: string;
}

/** A maker of {@link BenchRow}s: generated statements, prepared as the LRS prepares a POSTed one. */
export function rowMaker(p: Population): () => BenchRow {
  const make = statementMaker(p);
  return () => {
    const r = prepareStatement(make() as unknown as Statement, {
      tenantId: TENANT,
      authority: AUTHORITY,
      version: '2.0.0',
      now: Date.now(),
    });
    const terms = [...new Set(r.terms)];
    const all = terms.map(termId);
    const fewer = fewerTerms(terms).map(termId);
    return {
      key: r.key,
      id: r.id,
      stored: r.stored,
      body: JSON.stringify(r.statement),
      signature: r.signature,
      actorKey: r.actorKey ?? null,
      terms,
      hashes: {
        all,
        fewer,
        allFolded: all.map((h) => foldTenant(TENANT, h)),
        fewerFolded: fewer.map((h) => foldTenant(TENANT, h)),
      },
      registration: (r.statement.context?.registration ?? '').toLowerCase(),
    };
  };
}
