import type { Principal } from '../../auth/principal.js';
import { HttpError } from '../../errors.js';

/**
 * A token confined to a course reads that course's statements and nothing else of the tenant. Documents
 * and the `/agents` and `/activities` lookups are not tied to a course (a State or a learner's profile
 * holds no context; a Person or an Activity is assembled from every statement of the tenant), so they are
 * out of its reach. Learner tokens keep their own agent's documents: what they reach is their learner's.
 */
function refuseContextScoped(principal: Principal, what: string): void {
  if (principal.contextIri === undefined || principal.actorKey !== undefined) return;
  throw new HttpError(
    403,
    'forbidden_context',
    `this token is confined to one course (contextId) and ${what} is not tied to a course; ` +
      'read the course through its statements, or use a token without contextId',
  );
}

/** Which scope a document resource needs besides `all`: `state` for State, `profile` for both profiles. */
export type DocumentScopeName = 'state' | 'profile';

/**
 * Document access: writes need `all` or the resource's scope, reads also accept `all/read`. A learner
 * token (a principal with `actorKey`) only touches documents of its own agent, and reads but never
 * writes Activity Profiles (they are shared by every learner). Course-scoped tokens get none.
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
  refuseContextScoped(principal, scope === 'state' ? 'State' : 'a profile document');
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
 * or full read scope, or `profile`. A learner token may only look itself up in `/agents`; a course-scoped
 * token gets neither.
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
  refuseContextScoped(principal, agentKey === undefined ? '/activities' : '/agents');
  if (principal.actorKey !== undefined && agentKey !== undefined && agentKey !== principal.actorKey) {
    throw new HttpError(403, 'forbidden', 'a learner token may only look up its own agent');
  }
}
