/**
 * A simulated class working through a {@link SimCourse}: learners of varied ability, speed and persistence,
 * among them wheel-spinners, drop-outs, rapid guessers and learners who never start. Statements come out
 * in timestamp order, streamed (memory grows with the class, not with the history), and the same seed
 * always gives the same statements.
 */
import { createHash } from 'node:crypto';
import type { Statement } from '@kairos/xapi';
import { KAIROS_PROFILE_IRI, Extensions as X } from '@kairos/xapi';
import { buildCourse, type CourseShape, type SimActivity, type SimCourse } from './course.js';
import { type Random, random } from './random.js';

/** What kind of learner a simulated learner is. */
export type Profile = 'regular' | 'wheel-spinner' | 'abandoner' | 'rapid-guesser' | 'never-starts';

/** A simulated learner. */
export interface SimLearner {
  /** Account name (the LMS user id). */
  id: string;
  name: string;
  actor: { objectType: 'Agent'; account: { homePage: string; name: string } };
  profile: Profile;
  ability: number;
  /** Time multiplier (1 = typical). */
  speed: number;
  /** Attempts before giving up on an activity. */
  persistence: number;
}

/** Options of {@link simulateClass}. */
export interface ClassOptions extends Partial<CourseShape> {
  seed?: number;
  learners?: number;
  /** Days the course runs; drop-outs stop at least 8 days before its end. */
  days?: number;
  /** When the course starts (default: `days` days before now). */
  start?: Date;
  /** The learners' LMS (the actors' `account.homePage`). */
  homePage?: string;
  /** `progressed` heartbeats per activity (the SDK sends one every 30 s of activity; default 0). */
  heartbeats?: number;
  /** Navigation statements (`experienced` with from/to) between activities (default true). */
  navigation?: boolean;
}

/** A simulated class: its course, its learners, and a stream of their statements in timestamp order. */
export interface SimClass {
  course: SimCourse;
  learners: SimLearner[];
  /** Statements in timestamp order. Call again for a fresh, identical stream. */
  statements(): Generator<Statement>;
  /** One learner's statements, in timestamp order: the class's stream is the merge of these. */
  statementsOf(learner: string): Generator<Statement>;
}

const FIRST_NAMES = [
  'Alice',
  'Bilal',
  'Chloé',
  'Diego',
  'Emma',
  'Farah',
  'Gabin',
  'Hana',
  'Inès',
  'Jules',
  'Kenza',
  'Léo',
  'Maya',
  'Noé',
  'Olivia',
  'Paul',
  'Quentin',
  'Rose',
  'Sami',
  'Tess',
  'Ugo',
  'Vera',
  'Wassim',
  'Yanis',
  'Zoé',
];
const VERB = (v: string) => ({ id: `http://adlnet.gov/expapi/verbs/${v}`, display: { en: v } });
const DAY = 86_400_000;

function profileOf(i: number, n: number): Profile {
  // fixed shares, spread through the class
  const r = ((i * 7919) % n) / n;
  if (r < 0.05) return 'never-starts';
  if (r < 0.15) return 'abandoner';
  if (r < 0.2) return 'wheel-spinner';
  if (r < 0.23) return 'rapid-guesser';
  return 'regular';
}

function learnerOf(i: number, n: number, homePage: string, rnd: Random): SimLearner {
  const profile = profileOf(i, n);
  const id = `learner-${String(i + 1).padStart(4, '0')}`;
  return {
    id,
    name: `${FIRST_NAMES[i % FIRST_NAMES.length]} ${String.fromCharCode(65 + ((i * 3) % 26))}.`,
    actor: { objectType: 'Agent', account: { homePage, name: id } },
    profile,
    ability: profile === 'wheel-spinner' ? rnd.normal(-1.6, 0.2) : rnd.normal(0.5, 0.6),
    speed: Math.exp(rnd.normal(0, 0.3)),
    persistence: profile === 'wheel-spinner' ? 14 : 3 + rnd.int(3),
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Statement ids from the seed, the learner and a counter: unique and the same every run. (Ids drawn from
 * the learners' random streams collided: the generator's 32-bit state makes streams of nearby seeds overlap.)
 * A course IRI given by the caller joins them, so classes of one seed in two courses of one LRS (`kairos
 * demo` with other `--learners`) never share an id.
 */
const statementId = (seed: number, iri?: string) => (learner: string, n: number) => {
  const h = createHash('sha256')
    .update(`${iri ? `${iri}|` : ''}${seed}:${learner}:${n}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Number.parseInt(h[16]!, 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

interface Timed {
  at: number;
  statement: Statement;
}

/** One learner's statements, in time order. */
function* learnerStatements(
  l: SimLearner,
  course: SimCourse,
  o: Required<Pick<ClassOptions, 'days' | 'heartbeats' | 'navigation'>> & {
    start: number;
    id: (learner: string, n: number) => string;
  },
  rnd: Random,
): Generator<Timed> {
  if (l.profile === 'never-starts') return;
  const all = course.sequences.flatMap((s) => s.activities.map((a) => ({ seq: s, a })));
  // drop-outs stop somewhere in the first half, at least 8 days before the end
  const stopAt =
    l.profile === 'abandoner' ? 1 + rnd.int(Math.max(1, Math.floor(all.length / 2))) : all.length;
  const span = l.profile === 'abandoner' ? Math.max(1, o.days - 8) * DAY : o.days * DAY;
  let t = o.start + rnd.next() * DAY * 0.5;
  const step = (span * 0.9) / all.length;
  const course_ = {
    id: course.iri,
    definition: { type: 'http://adlnet.gov/expapi/activities/course', name: { fr: course.title } },
  };
  let previous: string | undefined;
  let registration = rnd.uuid();
  let seqId: string | undefined;
  const context = (a: SimActivity, seq: string, attempt?: number) => ({
    registration,
    contextActivities: {
      parent: [{ id: seq }],
      grouping: [course_],
      category: [{ id: KAIROS_PROFILE_IRI }],
      other: a.competencies.map((c) => ({
        id: c.id,
        definition: { type: 'http://adlnet.gov/expapi/activities/objective' },
      })),
    },
    ...(attempt ? { extensions: { [X.attempt]: attempt } } : {}),
  });
  let n = 0;
  const stmt = (at: number, s: Omit<Statement, 'actor' | 'timestamp' | 'id'>): Timed => ({
    at,
    statement: {
      id: o.id(l.id, n++),
      actor: l.actor,
      timestamp: new Date(at).toISOString(),
      ...s,
    } as Statement,
  });
  for (let i = 0; i < Math.min(stopAt, all.length); i++) {
    const { seq, a } = all[i]!;
    if (seqId !== seq.id) {
      if (seqId)
        yield stmt(t, {
          verb: VERB('completed'),
          object: { id: seqId },
          result: { completion: true },
          context: { registration, contextActivities: { parent: [course_], grouping: [course_] } },
        });
      seqId = seq.id;
      registration = rnd.uuid();
    }
    t += step * l.speed * (0.5 + rnd.next());
    const object = {
      objectType: 'Activity' as const,
      id: a.id,
      definition: {
        type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        name: { fr: a.title },
        interactionType: 'choice' as const,
        correctResponsesPattern: [a.correct],
        choices: a.choices.map((c) => ({ id: c, description: { fr: c.toUpperCase() } })),
        extensions: { [X.level]: a.level },
      },
    };
    if (o.navigation && previous) {
      yield stmt(t, {
        verb: VERB('experienced'),
        object: { id: a.id },
        context: {
          registration,
          contextActivities: {
            parent: [{ id: seq.id }],
            grouping: [course_],
            category: [{ id: KAIROS_PROFILE_IRI }],
          },
          extensions: { [X.navigationFrom]: previous, [X.navigationTo]: a.id },
        },
      });
    }
    previous = a.id;
    const wrong = a.choices.filter((c) => c !== a.correct);
    let done = false;
    for (let attempt = 1; attempt <= l.persistence && !done; attempt++) {
      const seconds =
        l.profile === 'rapid-guesser'
          ? 1 + rnd.next() * 2
          : a.seconds * l.speed * Math.exp(rnd.normal(0, 0.35));
      for (let h = 1; h <= o.heartbeats; h++) {
        yield stmt(t + (h * seconds * 1000) / (o.heartbeats + 1), {
          verb: VERB('progressed'),
          object,
          result: { duration: `PT${Math.round((h * seconds) / (o.heartbeats + 1))}S` },
          context: context(a, seq.id, attempt),
        });
      }
      t += seconds * 1000;
      const p =
        l.profile === 'rapid-guesser'
          ? 0.25
          : sigmoid(1.7 * (l.ability - a.difficulty) + 0.45 * (attempt - 1));
      const success = rnd.next() < p;
      // most wrong answers are one misconception
      const response = success
        ? a.correct
        : rnd.next() < 0.6
          ? wrong[0]!
          : wrong[1 + rnd.int(wrong.length - 1)]!;
      yield stmt(t, {
        verb: VERB('answered'),
        object,
        result: {
          response,
          success,
          score: { scaled: success ? 1 : 0, raw: success ? 1 : 0, min: 0, max: 1 },
          duration: `PT${Math.round(seconds * 10) / 10}S`,
        },
        context: context(a, seq.id, attempt),
      });
      done = success;
      t += 5000 + rnd.next() * 20_000;
    }
    // an unsolved stuck point loses a share of the class for good
    if (!done && a.stuck && l.profile !== 'wheel-spinner' && rnd.next() < 0.35) return;
  }
  if (seqId && stopAt >= all.length) {
    yield stmt(t, {
      verb: VERB('completed'),
      object: { id: seqId },
      result: { completion: true },
      context: { registration, contextActivities: { parent: [course_], grouping: [course_] } },
    });
  }
}

/** A binary heap of streams by their next statement's time: the k-way merge of the learners' histories. */
function* merged(streams: Generator<Timed>[]): Generator<Statement> {
  const heads: { at: number; s: Statement; g: Generator<Timed>; k: number }[] = [];
  const less = (a: (typeof heads)[number], b: (typeof heads)[number]) =>
    a.at < b.at || (a.at === b.at && a.k < b.k);
  const push = (h: (typeof heads)[number]) => {
    heads.push(h);
    for (let i = heads.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!less(heads[i]!, heads[p]!)) break;
      [heads[i], heads[p]] = [heads[p]!, heads[i]!];
      i = p;
    }
  };
  const pop = () => {
    const top = heads[0]!;
    const last = heads.pop()!;
    if (heads.length > 0) {
      heads[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heads.length && less(heads[l]!, heads[m]!)) m = l;
        if (r < heads.length && less(heads[r]!, heads[m]!)) m = r;
        if (m === i) break;
        [heads[i], heads[m]] = [heads[m]!, heads[i]!];
        i = m;
      }
    }
    return top;
  };
  streams.forEach((g, k) => {
    const n = g.next();
    if (!n.done) push({ at: n.value.at, s: n.value.statement, g, k });
  });
  while (heads.length > 0) {
    const h = pop();
    yield h.s;
    const n = h.g.next();
    if (!n.done) push({ at: n.value.at, s: n.value.statement, g: h.g, k: h.k });
  }
}

/**
 * Simulates a class. Its statements are complete (ids, timestamps, actors), so any sender stores the same
 * ones: batched posts, or each learner's stream through the browser SDK (`sendThroughSdk`, ./sdk.ts).
 *
 * @example
 * const sim = simulateClass({ seed: 1, learners: 30, days: 21 });
 * for (const s of sim.statements()) send(s);
 * for (const l of sim.learners) replay(l, [...sim.statementsOf(l.id)]);
 */
export function simulateClass(options: ClassOptions = {}): SimClass {
  const seed = options.seed ?? 1;
  const n = options.learners ?? 30;
  const days = options.days ?? 21;
  const start = (options.start ?? new Date(Date.now() - days * DAY)).getTime();
  const homePage = options.homePage ?? 'https://lms.example.edu';
  const course = buildCourse(
    {
      iri: options.iri ?? 'https://kairos.dev/demo/courses/fractions',
      title: options.title ?? 'Fractions — cycle 3',
      sequences: options.sequences ?? 4,
      activitiesPerSequence: options.activitiesPerSequence ?? 5,
      competencies: options.competencies ?? 6,
    },
    random(seed),
  );
  const learners = Array.from({ length: n }, (_, i) =>
    learnerOf(i, n, homePage, random(seed * 1_000_003 + i)),
  );
  const o = {
    days,
    start,
    heartbeats: options.heartbeats ?? 0,
    navigation: options.navigation ?? true,
    id: statementId(seed, options.iri),
  };
  const streamOf = (i: number) =>
    learnerStatements(learners[i]!, course, o, random(seed * 7_000_001 + i * 31 + 17));
  return {
    course,
    learners,
    statements: () => merged(learners.map((_, i) => streamOf(i))),
    *statementsOf(learner) {
      const i = learners.findIndex((l) => l.id === learner);
      if (i < 0) return;
      for (const t of streamOf(i)) yield t.statement;
    },
  };
}
