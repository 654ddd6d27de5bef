import type {
  EvidenceInput,
  EvidenceRow,
  MasteryKey,
  ProjectionTx,
  StoredMastery,
} from '../../storage/types.js';
import {
  type BktParams,
  evidenceOrder,
  foldMastery,
  initialMastery,
  type Level,
  type MasteryState,
} from './bkt.js';

const keyOf = (k: MasteryKey) => `${k.course}\u0001${k.learner}\u0001${k.competency}`;

function group(evidence: EvidenceInput[]): Map<string, EvidenceInput[]> {
  const out = new Map<string, EvidenceInput[]>();
  for (const e of evidence) {
    const k = keyOf(e);
    const list = out.get(k) ?? [];
    list.push(e);
    out.set(k, list);
  }
  for (const list of out.values()) list.sort(evidenceOrder);
  return out;
}

const toState = (s: StoredMastery): MasteryState => ({
  p: s.p,
  level: s.level as Level | undefined,
  evidence: s.evidence,
  streak: s.streak,
  maitriseSuccess: s.maitriseSuccess,
  last: s.last,
});

/** Folds `evidence` from `start` and returns the state and evidence rows to store for `key`. */
function fold(key: MasteryKey, evidence: EvidenceInput[], params: BktParams, start?: MasteryState) {
  const { state, steps } = foldMastery(evidence, params, start);
  const stored: StoredMastery = { ...key, ...state, level: state.level };
  const rows: EvidenceRow[] = steps.map((s) => ({
    ...key,
    ts: s.ts,
    statementId: s.statementId,
    activity: s.activity,
    credit: s.credit,
    weight: s.weight,
    correct: s.correct,
    maitrise: s.maitrise,
    pBefore: s.pBefore,
    pAfter: s.pAfter,
    level: s.level,
  }));
  return { stored, rows };
}

/**
 * Brings the mastery of `keys` up to date inside a batch. Evidence that comes after everything a key has
 * folded so far continues the fold from the stored state (the common, in-order case); anything else —
 * removed evidence, a late statement with an earlier timestamp, a changed alignment — refolds the key
 * from its whole evidence in timestamp order. Both give the same state (BKT is a fold), so the result
 * never depends on delivery order.
 */
export async function updateMastery(
  tx: ProjectionTx,
  gen: number,
  keys: MasteryKey[],
  added: EvidenceInput[],
  refold: MasteryKey[],
  params: BktParams,
): Promise<{ levelChanges: { key: MasteryKey; before?: string; after?: string }[] }> {
  if (keys.length === 0) return { levelChanges: [] };
  const unique = new Map(keys.map((k) => [keyOf(k), k]));
  const stored = new Map((await tx.masteryStates(gen, [...unique.values()])).map((s) => [keyOf(s), s]));
  const fresh = group(added);
  const full = new Set(refold.map(keyOf));
  for (const [k] of unique) {
    const s = stored.get(k);
    const first = fresh.get(k)?.[0];
    if (s?.last && first && evidenceOrder(first, s.last) <= 0) full.add(k);
  }
  const states: StoredMastery[] = [];
  const rows: EvidenceRow[] = [];
  const replace: MasteryKey[] = [];
  const changes: { key: MasteryKey; before?: string; after?: string }[] = [];
  const all = group(
    await tx.evidenceOf(
      gen,
      [...full].map((k) => unique.get(k)!),
    ),
  );
  for (const [k, key] of unique) {
    const before = stored.get(k);
    let result: ReturnType<typeof fold> | undefined;
    if (full.has(k)) {
      result = fold(key, all.get(k) ?? [], params, initialMastery(params));
      replace.push(key);
    } else if (fresh.has(k)) {
      result = fold(key, fresh.get(k)!, params, before ? toState(before) : initialMastery(params));
    }
    if (!result) continue;
    states.push(result.stored);
    rows.push(...result.rows);
    if (before?.level !== result.stored.level) {
      changes.push({ key, before: before?.level, after: result.stored.level });
    }
  }
  await tx.saveMastery(gen, states, rows, replace);
  return { levelChanges: changes };
}
