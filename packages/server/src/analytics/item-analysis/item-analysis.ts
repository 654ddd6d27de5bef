/**
 * Item analysis of a question among the items of its sequence: facility, corrected item-rest correlation
 * (discrimination), the distribution of first-attempt scores, and the answer distribution per choice (how
 * learners go wrong). Pure: it reads each learner's first attempt on every item of the sequence.
 */

/** One learner's first attempt on one item. */
export interface FirstAttempt {
  learner: string;
  item: string;
  /** Credit in [0, 1]. */
  credit: number;
  response?: string;
}

/** The analysis of one item. */
export interface ItemAnalysis {
  item: string;
  /** Learners with a first attempt on the item. */
  n: number;
  /** Mean first-attempt credit (the classical p-value). */
  facility: number | null;
  /** Pearson correlation of the item's credit with the learner's credit on the other items (null below 3 learners or without variance). */
  discrimination: number | null;
  /** Learners per tenth of credit: `[0, 0.1)`, …, `[0.9, 1]`. */
  scores: number[];
  /** First responses: each choice (or whole response) with how many learners gave it, most frequent first. */
  answers: { response: string; count: number; correct?: boolean }[];
}

/** Pearson correlation, or null when either side has no variance. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 3) return null;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** The parts of a response: choices, sequencing steps and matching pairs are `[,]`-separated (xAPI-Data §2.4.4.1.1). */
export const responseParts = (response: string, interactionType?: string): string[] =>
  interactionType === 'choice' || interactionType === 'sequencing' || interactionType === 'matching'
    ? response.split('[,]').filter((p) => p !== '')
    : [response];

/**
 * Analyses `item` from the first attempts of every learner on every item of its sequence.
 *
 * @example analyseItem('q1', attempts, { interactionType: 'choice', correct: ['b'] })
 */
export function analyseItem(
  item: string,
  attempts: readonly FirstAttempt[],
  definition: { interactionType?: string; correct?: string[] } = {},
): ItemAnalysis {
  const mine = attempts.filter((a) => a.item === item);
  const others = new Map<string, number>();
  for (const a of attempts)
    if (a.item !== item) others.set(a.learner, (others.get(a.learner) ?? 0) + a.credit);
  const xs = mine.map((a) => a.credit);
  const ys = mine.map((a) => others.get(a.learner) ?? 0);
  const scores = Array.from({ length: 10 }, () => 0);
  for (const c of xs) scores[Math.min(9, Math.floor(c * 10))]! += 1;
  const answers = answerDistribution(
    mine.flatMap((a) => (a.response === undefined ? [] : [a.response])),
    definition,
  );
  return {
    item,
    n: mine.length,
    facility: mine.length > 0 ? xs.reduce((s, x) => s + x, 0) / mine.length : null,
    discrimination: pearson(xs, ys),
    scores,
    answers,
  };
}

/**
 * How learners answered: each choice (or whole response) with the number of learners who gave it, most
 * frequent first, with the correct ones marked when the definition says which.
 */
export function answerDistribution(
  responses: readonly string[],
  definition: { interactionType?: string; correct?: string[] } = {},
): ItemAnalysis['answers'] {
  const counts = new Map<string, number>();
  for (const r of responses) {
    for (const part of new Set(responseParts(r, definition.interactionType)))
      counts.set(part, (counts.get(part) ?? 0) + 1);
  }
  const correctParts = new Set(
    (definition.correct ?? []).flatMap((c) => responseParts(c, definition.interactionType)),
  );
  return [...counts]
    .map(([response, count]) => ({
      response,
      count,
      ...(definition.correct ? { correct: correctParts.has(response) } : {}),
    }))
    .sort((a, b) => b.count - a.count || a.response.localeCompare(b.response));
}
