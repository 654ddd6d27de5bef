import { createHash, randomUUID } from 'node:crypto';
import {
  type Agent,
  agentKey,
  matchKeys,
  type Statement,
  statementSignature,
  toUtcTimestamp,
  type XapiVersion,
} from '@kairos/xapi';
import type { StatementRecord } from '../../storage/types.js';
import { uuidv7 } from '../../util/uuid.js';

const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

/**
 * Index terms of a statement: one per filter value it matches directly (`a:`, `ra:`, `v:`, `o:`, `ro:`, `r:`);
 * the writer's `au:` term is added by {@link prepareStatement}.
 */
export function termsOf(statement: Statement): string[] {
  const k = matchKeys(statement);
  const terms = [`v:${k.verb}`];
  for (const a of k.agents) terms.push(`a:${a}`);
  for (const a of k.relatedAgents) terms.push(`ra:${a}`);
  for (const o of k.activities) terms.push(`o:${o}`);
  for (const o of k.relatedActivities) terms.push(`ro:${o}`);
  if (k.registration) terms.push(`r:${k.registration.toLowerCase()}`);
  return [...new Set(terms)];
}

/** The term a GET filter looks up. */
export const filterTerm = {
  agent: (key: string, related: boolean) => `${related ? 'ra' : 'a'}:${key}`,
  verb: (id: string) => `v:${id}`,
  activity: (id: string, related: boolean) => `${related ? 'ro' : 'o'}:${id}`,
  registration: (id: string) => `r:${id.toLowerCase()}`,
  /** `statements/read/mine` of an API key: statements it wrote. */
  authority: (key: string) => `au:${key}`,
};

/** Compact hash of the canonical signature, stored to compare re-sent statements. */
export const signatureHash = (s: Statement) =>
  createHash('sha256').update(statementSignature(s)).digest('base64url');

/**
 * Turns a validated statement into the record the store keeps: LRS-set `id` (when absent), `stored`,
 * `timestamp` (= stored when absent), `authority` (from the credential) and `version`, plus the
 * signature, index terms and reference targets.
 */
export function prepareStatement(
  input: Statement,
  ctx: { tenantId: string; authority: Agent; version: XapiVersion; now: number; key?: string },
): StatementRecord {
  const key = ctx.key ?? uuidv7(ctx.now);
  const stored = new Date(ctx.now).toISOString();
  const id = (input.id ?? randomUUID()).toLowerCase();
  const statement: Statement = {
    ...input,
    id,
    // 2.0 (IEEE 9274.1.1): timestamps are stored in UTC
    timestamp:
      input.timestamp === undefined
        ? stored
        : ctx.version === '2.0.0'
          ? toUtcTimestamp(input.timestamp)
          : input.timestamp,
    stored,
    authority: ctx.authority,
    version: input.version ?? (ctx.version === '2.0.0' ? '2.0.0' : '1.0.0'),
  };
  const object = input.object as { objectType?: string; id?: string };
  const isRef = object.objectType === 'StatementRef';
  const voiding = isRef && input.verb.id === VOIDED;
  return {
    tenantId: ctx.tenantId,
    key,
    id,
    stored,
    statement,
    signature: signatureHash(input),
    terms: [...termsOf(statement), filterTerm.authority(agentKey(ctx.authority)!)],
    actorKey: agentKey(input.actor),
    // voiding statements follow the StatementRef filter rule too (they reference their target)
    refTarget: isRef ? object.id!.toLowerCase() : undefined,
    voidingTarget: voiding ? object.id!.toLowerCase() : undefined,
    voided: false,
  };
}
