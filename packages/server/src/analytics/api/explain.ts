import type { StuckReason, StuckThresholds } from '../stuck-points/score.js';

interface Explained {
  n: number;
  assessed: number;
  p1: { value: number } | null;
  r: { value: number; low: number };
  d: { value: number; low: number };
  t: { value: number };
  score: number;
  flagged: boolean;
  reasons: StuckReason[];
  reference?: 'expected' | 'median';
}

const pct = (v: number) => `${Math.round(v * 100)} %`;
const of = (v: number, n: number) => `${Math.round(v * n)} of ${n}`;

/** A stuck point's figures in plain words: what each input counts, and why it is flagged (or not). */
export function explainStuckPoint(a: Explained, th: StuckThresholds): string {
  const parts = [
    `${a.n} learner${a.n === 1 ? '' : 's'} reached this activity.`,
    a.p1
      ? `${of(a.p1.value, a.assessed)} succeeded at their first attempt (P1 ${pct(a.p1.value)}).`
      : 'Nobody was assessed on it yet (P1 not counted).',
    `${of(a.r.value, a.n)} made ${th.repeatedAttempts} or more attempts without success (R ${pct(a.r.value)}).`,
    `${of(a.d.value, a.n)} stopped here, unfinished, and have not come back for ${th.inactiveDays} days (D ${pct(a.d.value)}).`,
    `${of(a.t.value, a.n)} spent over ${th.timeFactor}× the ${a.reference === 'expected' ? 'expected' : 'median'} time without success (T ${pct(a.t.value)}).`,
    `Stuck score ${a.score} = 100·(0.30·(1−P1) + 0.25·R + 0.25·D + 0.20·T).`,
  ];
  const why: Record<StuckReason, string> = {
    score: `the score reaches ${th.score}`,
    'repeated-failures': `even at the low end of its 95 % range, R is at least ${pct(th.wilsonR)}`,
    'drop-outs': `even at the low end of its 95 % range, D is at least ${pct(th.wilsonD)}`,
    'low-first-attempt-success': `P1 is ${pct(th.p1Low)} or less with ${th.p1MinLearners} or more learners`,
  };
  if (a.flagged) parts.push(`Flagged: ${a.reasons.map((r) => why[r]).join('; ')}.`);
  else if (a.n < th.minLearners) parts.push(`Not flagged: fewer than ${th.minLearners} learners.`);
  else parts.push('Not flagged.');
  return parts.join(' ');
}
