import type { Principal } from '../../auth/principal.js';
import { HttpError } from '../../errors.js';

/** Which scope a document resource needs besides `all`: `state` for State, `profile` for both profiles. */
export type DocumentScopeName = 'state' | 'profile';

/**
 * Document access: writes need `all` or the resource's scope, reads also accept `all/read`. A learner
 * token (a principal with `actorKey`) only touches documents of its own agent, and reads but never
 * writes Activity Profiles (they are shared by every learner).
 */
export function authorizeDocument(
  principal: Principal,
  scope: DocumentScopeName,
  write: boolean,
  agentKey: string | undefined,
): void {
  const s = principal.scopes;
  if (!(s.includes('all') || s.includes(scope) || (!write && s.includes('all/read')))) {
    throw new HttpError(
      403,
      'forbidden',
      `this credential cannot ${write ? 'write' : 'read'} ${scope === 'state' ? 'State' : 'profile'} documents: ` +
        `it needs the "${scope}" or "all" scope${write ? '' : ' (or "all/read")'}`,
    );
  }
  if (principal.actorKey === undefined) return;
  if (agentKey === undefined ? write : agentKey !== principal.actorKey) {
    throw new HttpError(
      403,
      'forbidden',
      agentKey === undefined
        ? 'a learner token cannot write Activity Profile documents'
        : "a learner token may only use its own learner's documents (the agent parameter is someone else)",
    );
  }
}

/**
 * Reading `/agents` and `/activities` (what statements say about an agent or activity): any statement
 * or full read scope, or `profile`. A learner token may only look itself up in `/agents`.
 */
export function authorizeLookup(principal: Principal, agentKey?: string): void {
  const s = principal.scopes;
  const ok = ['all', 'all/read', 'statements/read', 'statements/read/mine', 'profile'].some((x) =>
    s.includes(x),
  );
  if (!ok) {
    throw new HttpError(
      403,
      'forbidden',
      'this credential needs a read scope (all, all/read, statements/read, statements/read/mine or profile)',
    );
  }
  if (principal.actorKey !== undefined && agentKey !== undefined && agentKey !== principal.actorKey) {
    throw new HttpError(403, 'forbidden', 'a learner token may only look up its own agent');
  }
}
