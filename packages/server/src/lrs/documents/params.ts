import {
  type Agent,
  agentKey,
  isIri,
  isUuid,
  jsonIssues,
  statementIssues,
  stringProblem,
  type XapiVersion,
} from '@kairos/xapi';
import { HttpError } from '../../errors.js';
import { timestampParam } from '../timestamp-param.js';

const bad = (message: string) => new HttpError(400, 'invalid_query', message);

// @xapi/xapi's cache buster: recognised and ignored, like on /statements.
const IGNORED = 'cachebuster';

/**
 * The query string as single string values, limited to `known` names: an unknown name, a name given
 * twice, or two names differing only by case is a 400 (xAPI-Communication §1.3 "unrecognized parameters").
 * Values follow the rule of every string in a statement: no NUL, no unpaired surrogate (they identify
 * the document, so the store must be able to hold them; the document's content may hold any bytes).
 */
export function readQuery(query: Record<string, unknown>, known: readonly string[]): Record<string, string> {
  const q: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(query)) {
    if (name !== IGNORED && !known.includes(name)) {
      const hint = known.find((k) => k.toLowerCase() === name.toLowerCase());
      throw bad(
        hint
          ? `unknown query parameter "${name}" (parameter names are case-sensitive: did you mean "${hint}"?)`
          : `unknown query parameter "${name}"; this resource takes ${known.join(', ')}`,
      );
    }
    if (seen.has(name.toLowerCase())) throw bad(`query parameter "${name}" is given twice`);
    seen.add(name.toLowerCase());
    if (typeof value !== 'string') throw bad(`query parameter "${name}" must be given once, as a string`);
    const problem = stringProblem(value);
    if (problem) throw bad(`${name}: ${problem.message}`);
    if (name !== IGNORED) q[name] = value;
  }
  return q;
}

/** A required parameter. */
export function required(q: Record<string, string>, name: string, what: string): string {
  const value = q[name];
  if (value === undefined || value === '') throw bad(`the ${name} parameter is required (${what})`);
  return value;
}

/** `activityId`: an absolute IRI. */
export function activityIdParam(q: Record<string, string>): string {
  const id = required(q, 'activityId', 'the activity IRI');
  if (!isIri(id))
    throw bad(`activityId must be an absolute IRI, e.g. https://example.com/activities/1 (got ${id})`);
  return id;
}

/**
 * `agent`: a JSON Agent (or Identified Group) validated as a statement actor would be; returns it
 * with its `agentKey`.
 */
export function agentParam(q: Record<string, string>, version: XapiVersion): { agent: Agent; key: string } {
  const raw = required(q, 'agent', 'a JSON Agent, e.g. {"mbox":"mailto:learner@example.com"}');
  let agent: unknown;
  try {
    agent = JSON.parse(raw);
  } catch {
    throw bad('agent must be JSON, e.g. {"objectType":"Agent","mbox":"mailto:learner@example.com"}');
  }
  const json = jsonIssues(agent, 'agent')[0];
  if (json) throw bad(json.message);
  // Validate it exactly as a statement's actor, so the rules and messages are the same.
  const issues = statementIssues(
    {
      actor: agent,
      verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
      object: { id: 'urn:kairos:x' },
    },
    { version },
  ).filter((i) => i.path.startsWith('statement.actor'));
  if (issues.length > 0) throw bad(issues[0]!.message.replace(/^statement\.actor/, 'agent'));
  const key = agentKey(agent as Agent);
  if (!key) throw bad('agent must be identified by one of mbox, mbox_sha1sum, openid or account');
  return { agent: agent as Agent, key };
}

/** `registration`: a UUID, lowercased; undefined when absent. */
export function registrationParam(q: Record<string, string>): string | undefined {
  const value = q.registration;
  if (value === undefined) return undefined;
  if (!isUuid(value)) throw bad(`registration must be a UUID (got ${value})`);
  return value.toLowerCase();
}

/**
 * `since`: a timestamp by the statements' rule (see {@link timestampParam}), as an ISO string (UTC, ms);
 * undefined when absent.
 */
export function sinceParam(q: Record<string, string>, version: XapiVersion): string | undefined {
  const value = q.since;
  if (value === undefined) return undefined;
  return new Date(Math.floor(timestampParam('since', value, version))).toISOString();
}
