/**
 * Bayesian Knowledge Tracing (Corbett & Anderson, 1995) per learner × competency, with partial credit
 * and alignment weights, and the mastery levels of DESIGN.md with their hysteresis. Pure functions: the
 * projection folds a learner's evidence, in timestamp order, through {@link foldMastery}.
 */

/** BKT parameters: prior P(L0), learning P(T), guess P(G), slip P(S). */
export interface BktParams {
  pInit: number;
  pTransit: number;
  pGuess: number;
  pSlip: number;
}

/** DESIGN.md defaults (a tenant may set its own). */
export const BKT_DEFAULTS = {
  pInit: 0.2,
  pTransit: 0.1,
  pGuess: 0.2,
  pSlip: 0.1,
} as const satisfies BktParams;

/** Mastery levels, lowest first (the product owner's `competency_assessments` levels). */
export const LEVELS = ['non_acquis', 'en_cours', 'acquis', 'expert'] as const;
/** One mastery level. */
export type Level = (typeof LEVELS)[number];

/** Thresholds and rules of the levels (DESIGN.md "Analytics definitions"). */
export const LEVEL_RULES = {
  /** Below this many evidences there is no level ("not assessed"). */
  minEvidence: 2,
  /** P at which each level starts. */
  threshold: { non_acquis: 0, en_cours: 0.4, acquis: 0.8, expert: 0.95 } as const satisfies Record<
    Level,
    number
  >,
  /** Expert also needs this many evidences, the last `expertStreak` correct, and a success on a `maitrise` activity. */
  expertEvidence: 5,
  expertStreak: 3,
  /** A level is kept until P falls this far below its threshold. */
  hysteresis: 0.05,
} as const;

/**
 * One BKT step: the observation update first, then the learning transition. `credit` in [0, 1] mixes the
 * correct and incorrect posteriors (partial credit); `weight` in (0, 1] scales how far the evidence moves P
 * (an activity only partly aligned to the competency).
 *
 * @example bktStep(0.2, 1) // ≈ 0.5765 with the defaults
 */
export function bktStep(p: number, credit: number, weight = 1, params: BktParams = BKT_DEFAULTS): number {
  const { pTransit: t, pGuess: g, pSlip: s } = params;
  const ifCorrect = (p * (1 - s)) / (p * (1 - s) + (1 - p) * g);
  const ifWrong = (p * s) / (p * s + (1 - p) * (1 - g));
  const posterior = credit * ifCorrect + (1 - credit) * ifWrong;
  const moved = p + weight * (posterior - p);
  return moved + (1 - moved) * t * weight;
}

/** One piece of evidence about a competency, from one statement. */
export interface Evidence {
  statementId: string;
  activity: string;
  ts: string;
  /** Partial credit in [0, 1]. */
  credit: number;
  /** The statement's success (correct answer, passed). */
  correct: boolean;
  /** Alignment weight of the activity to the competency, in (0, 1]. */
  weight: number;
  /** The activity is of the `maitrise` level. */
  maitrise: boolean;
}

/** The state a fold ends in (and may continue from when later evidence arrives). */
export interface MasteryState {
  p: number;
  level?: Level;
  evidence: number;
  /** Consecutive correct evidences at the end. */
  streak: number;
  maitriseSuccess: boolean;
  /** Order key of the last evidence folded (`ts`, then statement id). */
  last?: { ts: string; statementId: string };
}

/** One step of a fold, for the explanation of a figure. */
export interface MasteryStep extends Evidence {
  pBefore: number;
  pAfter: number;
  level?: Level;
}

/** The state before any evidence. */
export const initialMastery = (params: BktParams = BKT_DEFAULTS): MasteryState => ({
  p: params.pInit,
  evidence: 0,
  streak: 0,
  maitriseSuccess: false,
});

/** The level P supports without hysteresis (and without the expert conditions). */
function levelOfP(p: number): Level {
  const t = LEVEL_RULES.threshold;
  if (p >= t.expert) return 'expert';
  if (p >= t.acquis) return 'acquis';
  if (p >= t.en_cours) return 'en_cours';
  return 'non_acquis';
}

/**
 * The level after an evidence: none below {@link LEVEL_RULES.minEvidence}; expert only with its extra
 * conditions; a level once held drops only when P falls {@link LEVEL_RULES.hysteresis} below its threshold.
 */
export function nextLevel(
  prev: Level | undefined,
  s: Omit<MasteryState, 'level' | 'last'>,
): Level | undefined {
  if (s.evidence < LEVEL_RULES.minEvidence) return undefined;
  let candidate = levelOfP(s.p);
  if (
    candidate === 'expert' &&
    !(s.evidence >= LEVEL_RULES.expertEvidence && s.streak >= LEVEL_RULES.expertStreak && s.maitriseSuccess)
  ) {
    candidate = 'acquis';
  }
  if (prev === undefined) return candidate;
  const rank = (l: Level) => LEVELS.indexOf(l);
  if (rank(candidate) >= rank(prev)) return candidate;
  // dropping: keep the level until P is clearly below its threshold
  return s.p < LEVEL_RULES.threshold[prev] - LEVEL_RULES.hysteresis ? candidate : prev;
}

/** Orders evidence as the fold reads it: by timestamp, then statement id (a total order). */
export const evidenceOrder = (
  a: { ts: string; statementId: string },
  b: { ts: string; statementId: string },
) =>
  a.ts < b.ts
    ? -1
    : a.ts > b.ts
      ? 1
      : a.statementId < b.statementId
        ? -1
        : a.statementId > b.statementId
          ? 1
          : 0;

/**
 * Folds evidence (already in {@link evidenceOrder}) into a mastery state, from `start` (the initial state by
 * default, or a stored state when the evidence all comes after it). Returns the state and every step.
 */
export function foldMastery(
  evidence: readonly Evidence[],
  params: BktParams = BKT_DEFAULTS,
  start: MasteryState = initialMastery(params),
): { state: MasteryState; steps: MasteryStep[] } {
  let state = { ...start };
  const steps: MasteryStep[] = [];
  for (const e of evidence) {
    const pBefore = state.p;
    const p = bktStep(pBefore, e.credit, e.weight, params);
    const next = {
      p,
      evidence: state.evidence + 1,
      streak: e.correct ? state.streak + 1 : 0,
      maitriseSuccess: state.maitriseSuccess || (e.maitrise && e.correct),
    };
    const level = nextLevel(state.level, next);
    state = { ...next, level, last: { ts: e.ts, statementId: e.statementId } };
    steps.push({ ...e, pBefore, pAfter: p, level });
  }
  return { state, steps };
}
