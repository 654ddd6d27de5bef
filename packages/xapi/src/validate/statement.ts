import { timestampProblem } from '../formats.js';
import { isStatementVersion } from '../version.js';
import { checkActivity, checkStatementRef, checkUuid } from './activity.js';
import { checkActor } from './actor.js';
import { badObjectType, type Checker, describe, type Json, keySet } from './checker.js';
import { checkAttachments, checkContext, checkResult } from './parts.js';

/** The verb that voids the statement its StatementRef object points at. */
export const VOIDED_VERB = 'http://adlnet.gov/expapi/verbs/voided';

const STATEMENT_KEYS = keySet(
  'id',
  'actor',
  'verb',
  'object',
  'result',
  'context',
  'timestamp',
  'stored',
  'authority',
  'version',
  'attachments',
);
const SUB_KEYS = keySet(
  'objectType',
  'actor',
  'verb',
  'object',
  'result',
  'context',
  'timestamp',
  'attachments',
);
const SUB_FORBIDDEN = ['id', 'stored', 'version', 'authority'] as const;
const VERB_KEYS = keySet('id', 'display');
const OBJECT_TYPES = ['Activity', 'Agent', 'Group', 'StatementRef', 'SubStatement'];

/** Checks a full statement as sent to PUT/POST /statements. */
export function checkStatement(c: Checker, value: unknown, path: string): void {
  const s = c.object(value, path, 'a Statement object');
  if (!s) return;
  c.keys(s, path, STATEMENT_KEYS, 'a Statement');
  if (s.id !== undefined) checkUuid(c, s.id, `${path}.id`);
  const objectType = checkCore(c, s, path, false);
  if (s.stored !== undefined) checkTimestamp(c, s.stored, `${path}.stored`);
  if (s.authority !== undefined) checkAuthority(c, s.authority, `${path}.authority`);
  const version = c.string(s.version, `${path}.version`);
  if (version !== undefined && !isStatementVersion(version, c.version)) {
    const accepted = c.version === '2.0.0' ? '"1.0.x" or "2.0.x"' : '"1.0" or "1.0.x"';
    c.add(`${path}.version`, 'version', `must be ${accepted}, got ${describe(version)}`);
  }
  // Voiding (xAPI-Data §2.3.2): the object of a voiding statement is the StatementRef to void.
  const verb = s.verb as Json | undefined;
  if (verb && typeof verb === 'object' && verb.id === VOIDED_VERB && objectType !== 'StatementRef') {
    c.add(
      `${path}.object`,
      'voided_object',
      'a statement with the "voided" verb must have a StatementRef object (the statement to void)',
    );
  }
}

/** Checks actor, verb, object, result, context, timestamp, attachments; returns the object's objectType. */
function checkCore(c: Checker, s: Json, path: string, inSub: boolean): string | undefined {
  const what = inSub ? 'a SubStatement' : 'a Statement';
  if (c.required(s, 'actor', path, what)) checkActor(c, s.actor, `${path}.actor`, 'either', 'actor');
  if (c.required(s, 'verb', path, what)) checkVerb(c, s.verb, `${path}.verb`);
  let objectType: string | undefined;
  if (c.required(s, 'object', path, what)) objectType = checkObject(c, s.object, `${path}.object`, inSub);
  if (s.result !== undefined) checkResult(c, s.result, `${path}.result`);
  if (s.context !== undefined) checkContext(c, s.context, `${path}.context`, objectType === 'Activity');
  if (s.timestamp !== undefined) checkTimestamp(c, s.timestamp, `${path}.timestamp`);
  if (s.attachments !== undefined) checkAttachments(c, s.attachments, `${path}.attachments`);
  return objectType;
}

function checkVerb(c: Checker, value: unknown, path: string): void {
  const verb = c.object(value, path, 'a Verb object {id, display?}');
  if (!verb) return;
  c.keys(verb, path, VERB_KEYS, 'a Verb');
  if (c.required(verb, 'id', path, 'a Verb'))
    c.iri(verb.id, `${path}.id`, 'http://adlnet.gov/expapi/verbs/completed');
  c.languageMap(verb.display, `${path}.display`);
}

/** Dispatches on objectType; returns the effective objectType when recognised. */
function checkObject(c: Checker, value: unknown, path: string, inSub: boolean): string | undefined {
  const obj = c.object(value, path, 'an object (Activity, Agent, Group, StatementRef or SubStatement)');
  if (!obj) return undefined;
  const type = obj.objectType === undefined ? 'Activity' : obj.objectType;
  if (typeof type !== 'string') {
    badObjectType(c, type, `${path}.objectType`, OBJECT_TYPES);
    return undefined;
  }
  switch (type) {
    case 'Activity':
      checkActivity(c, obj, path);
      return type;
    case 'Agent':
    case 'Group':
      checkActor(c, obj, path, 'either', 'object');
      return type;
    case 'StatementRef':
      checkStatementRef(c, obj, path);
      return type;
    case 'SubStatement':
      if (inSub) {
        c.add(
          `${path}.objectType`,
          'substatement_nesting',
          'a SubStatement cannot contain another SubStatement',
        );
      } else {
        checkSubStatement(c, obj, path);
      }
      return type;
    default:
      badObjectType(c, type, `${path}.objectType`, OBJECT_TYPES);
      return undefined;
  }
}

function checkSubStatement(c: Checker, s: Json, path: string): void {
  for (const key of SUB_FORBIDDEN) {
    if (s[key] !== undefined) {
      c.add(
        `${path}.${key}`,
        'substatement_property',
        `a SubStatement must not have "${key}" (only the outer statement has one)`,
      );
    }
  }
  const rest: Json = {};
  for (const key in s) if (!(SUB_FORBIDDEN as readonly string[]).includes(key)) rest[key] = s[key];
  c.keys(rest, path, SUB_KEYS, 'a SubStatement');
  checkCore(c, s, path, true);
}

function checkTimestamp(c: Checker, value: unknown, path: string): void {
  const t = c.string(value, path);
  if (t === undefined) return;
  const problem = timestampProblem(t, c.version);
  if (problem) c.add(path, 'timestamp', `${problem}; got ${describe(t)}`);
}

// xAPI-Data §2.4.9: authority is an Agent, or (3-legged OAuth) an anonymous Group of exactly two Agents.
function checkAuthority(c: Checker, value: unknown, path: string): void {
  checkActor(c, value, path, 'either', 'authority');
  const g = value as Json | null;
  if (!g || typeof g !== 'object' || g.objectType !== 'Group') return;
  if (
    g.mbox !== undefined ||
    g.mbox_sha1sum !== undefined ||
    g.openid !== undefined ||
    g.account !== undefined
  ) {
    c.add(
      path,
      'authority_group',
      'an authority Group must be anonymous (no identifier): it lists the OAuth consumer and user as members',
    );
  }
  if (Array.isArray(g.member) && g.member.length !== 2) {
    c.add(
      `${path}.member`,
      'authority_group',
      `an authority Group must have exactly 2 members (OAuth consumer and user), got ${g.member.length}`,
    );
  }
}
