import type { Fact } from '../types.js';

/**
 * Row sets travel to PostgreSQL as one JSON parameter, read with `json_to_recordset`: one round trip and
 * one parse per batch, whatever its size (the record store's inserts do the same).
 */
export const asJson = (rows: readonly unknown[]): string => JSON.stringify(rows);

/** The columns of `facts` after tenant and generation, in order, with their types for `json_to_recordset`. */
export const FACT_COLUMNS = [
  ['statement_id', 'uuid'],
  ['key', 'uuid'],
  ['course', 'text'],
  ['sequence', 'text'],
  ['activity', 'text'],
  ['learner', 'text'],
  ['verb', 'text'],
  ['ts', 'timestamptz'],
  ['registration', 'uuid'],
  ['attempt', 'integer'],
  ['assessed', 'boolean'],
  ['success', 'boolean'],
  ['credit', 'float8'],
  ['score_raw', 'float8'],
  ['score_min', 'float8'],
  ['score_max', 'float8'],
  ['score_scaled', 'float8'],
  ['completion', 'boolean'],
  ['duration_ms', 'bigint'],
  ['response', 'text'],
  ['interaction_type', 'text'],
  ['nav_from', 'text'],
  ['nav_to', 'text'],
] as const;

/** `x(statement_id uuid, key uuid, …)`: the record type of a JSON fact row set. */
export const FACT_RECORD = `x(${FACT_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})`;
/** The fact columns, comma-separated. */
export const FACT_NAMES = FACT_COLUMNS.map(([c]) => c).join(', ');

const n = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** A fact as a JSON row of {@link FACT_RECORD}. */
export function factRow(f: Fact): Record<string, unknown> {
  return {
    statement_id: f.statementId,
    key: f.key,
    course: f.course,
    sequence: f.sequence,
    activity: f.activity,
    learner: f.learner,
    verb: f.verb,
    ts: f.ts,
    registration: n(f.registration),
    attempt: n(f.attempt),
    assessed: f.assessed,
    success: n(f.success),
    credit: n(f.credit),
    score_raw: n(f.score?.raw),
    score_min: n(f.score?.min),
    score_max: n(f.score?.max),
    score_scaled: n(f.score?.scaled),
    completion: f.completion,
    duration_ms: n(f.durationMs),
    response: n(f.response),
    interaction_type: n(f.interactionType),
    nav_from: n(f.navFrom),
    nav_to: n(f.navTo),
  };
}

/** A `facts` row, as read back. */
export interface FactRow {
  statement_id: string;
  key: string;
  course: string;
  sequence: string;
  activity: string;
  learner: string;
  verb: string;
  ts: Date;
  registration: string | null;
  attempt: number | null;
  assessed: boolean;
  success: boolean | null;
  credit: number | null;
  score_raw: number | null;
  score_min: number | null;
  score_max: number | null;
  score_scaled: number | null;
  completion: boolean;
  duration_ms: number | string | null;
  response: string | null;
  interaction_type: string | null;
  nav_from: string | null;
  nav_to: string | null;
}

const u = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** A fact read back (without the definition details only statements carry). */
export function factOf(r: FactRow): Fact {
  const score =
    r.score_raw !== null || r.score_min !== null || r.score_max !== null || r.score_scaled !== null
      ? { raw: u(r.score_raw), min: u(r.score_min), max: u(r.score_max), scaled: u(r.score_scaled) }
      : undefined;
  return {
    statementId: r.statement_id,
    key: r.key,
    course: r.course,
    sequence: r.sequence,
    activity: r.activity,
    learner: r.learner,
    verb: r.verb,
    ts: r.ts.toISOString(),
    registration: u(r.registration),
    attempt: u(r.attempt),
    assessed: r.assessed,
    success: u(r.success),
    credit: u(r.credit),
    score,
    completion: r.completion,
    durationMs: r.duration_ms === null ? undefined : Number(r.duration_ms),
    response: u(r.response),
    interactionType: u(r.interaction_type),
    navFrom: u(r.nav_from),
    navTo: u(r.nav_to),
    objectives: [],
  };
}
