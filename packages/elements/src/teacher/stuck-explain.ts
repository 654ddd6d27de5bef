import type { StuckPoint } from '../shared/api-types.js';
import type { Formats } from './format.js';

/**
 * A stuck point's figures in plain French, built from its inputs and the course's thresholds as the server
 * builds its English `explanation` (packages/server/src/analytics/api/explain.ts): the API sends English only.
 */
export function explainFr(a: StuckPoint, th: Record<string, number>, f: Formats): string {
  const pct = (v: number) => f.pct(v);
  const of = (v: number, n: number) => `${Math.round(v * n)} sur ${n}`;
  const plural = (n: number, one: string, many: string) => (n > 1 ? many : one);
  const parts = [
    `${a.n} ${plural(a.n, 'élève a atteint', 'élèves ont atteint')} cette activité.`,
    a.p1
      ? `${of(a.p1.value, a.assessed)} ont réussi du premier coup (P1 ${pct(a.p1.value)}).`
      : 'Personne n’a encore été évalué dessus (P1 non compté).',
    `${of(a.r.value, a.n)} ont fait ${th.repeatedAttempts} essais ou plus sans réussir (R ${pct(a.r.value)}).`,
    `${of(a.d.value, a.n)} se sont arrêtés ici sans finir et ne sont pas revenus depuis ${th.inactiveDays} jours (D ${pct(a.d.value)}).`,
    `${of(a.t.value, a.n)} ont passé plus de ${th.timeFactor} fois le temps ${a.reference === 'expected' ? 'prévu' : 'médian'} sans réussir (T ${pct(a.t.value)}).`,
    `Score de blocage ${f.num(a.score, 1)} = 100·(0,30·(1−P1) + 0,25·R + 0,25·D + 0,20·T).`,
  ];
  const why: Record<string, string> = {
    score: `le score atteint ${th.score}`,
    'repeated-failures': `même au bas de son intervalle à 95 %, R atteint ${pct(th.wilsonR ?? 0)}`,
    'drop-outs': `même au bas de son intervalle à 95 %, D atteint ${pct(th.wilsonD ?? 0)}`,
    'low-first-attempt-success': `P1 est de ${pct(th.p1Low ?? 0)} ou moins avec ${th.p1MinLearners} élèves ou plus`,
  };
  if (a.flagged) parts.push(`Signalée : ${a.reasons.map((r) => why[r]).join(' ; ')}.`);
  else if (a.n < (th.minLearners ?? 5)) parts.push(`Non signalée : moins de ${th.minLearners} élèves.`);
  else parts.push('Non signalée.');
  return parts.join(' ');
}
