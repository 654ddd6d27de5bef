import { isMailto, isSha1Hex } from '../formats.js';
import { badObjectType, type Checker, describe, type Json, keySet } from './checker.js';

const AGENT_KEYS = keySet('objectType', 'name', 'mbox', 'mbox_sha1sum', 'openid', 'account');
const GROUP_KEYS = keySet('objectType', 'name', 'mbox', 'mbox_sha1sum', 'openid', 'account', 'member');
const ACCOUNT_KEYS = keySet('homePage', 'name');
const IFIS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;

/** Which kinds an actor position accepts. */
export type ActorKind = 'agent' | 'group' | 'either';

/**
 * Checks an Agent or Group. `kind` restricts the position (team and contextGroups take Groups,
 * members and contextAgents take Agents); `what` names the position in messages.
 */
export function checkActor(c: Checker, value: unknown, path: string, kind: ActorKind, what: string): void {
  const obj = c.object(value, path, kind === 'group' ? 'a Group object' : 'an Agent or Group object');
  if (!obj) return;
  const type = obj.objectType;
  if (type === 'Group') {
    if (kind === 'agent') {
      c.add(`${path}.objectType`, 'group_not_allowed', `${what} must be an Agent, not a Group`);
      return;
    }
    checkGroup(c, obj, path, what);
  } else if (type === undefined || type === 'Agent') {
    if (kind === 'group') {
      if (type === undefined)
        c.add(`${path}.objectType`, 'required', `${what} must be a Group: set "objectType": "Group"`);
      else c.add(`${path}.objectType`, 'object_type', `${what} must be a Group, not an Agent`);
      return;
    }
    checkAgent(c, obj, path, what);
  } else {
    badObjectType(
      c,
      type,
      `${path}.objectType`,
      kind === 'agent' ? ['Agent'] : kind === 'group' ? ['Group'] : ['Agent', 'Group'],
    );
  }
}

function checkAgent(c: Checker, obj: Json, path: string, what: string): void {
  c.keys(obj, path, AGENT_KEYS, 'an Agent');
  c.string(obj.name, `${path}.name`);
  const n = checkIfis(c, obj, path);
  if (n === 0) {
    c.add(
      path,
      'ifi_required',
      `${what} (an Agent) needs exactly one identifier: mbox, mbox_sha1sum, openid or account`,
    );
  } else if (n > 1) {
    c.add(
      path,
      'ifi_multiple',
      `${what} (an Agent) has ${n} identifiers; keep exactly one of mbox, mbox_sha1sum, openid, account`,
    );
  }
}

function checkGroup(c: Checker, obj: Json, path: string, what: string): void {
  c.keys(obj, path, GROUP_KEYS, 'a Group');
  c.string(obj.name, `${path}.name`);
  const n = checkIfis(c, obj, path);
  if (n > 1) {
    c.add(path, 'ifi_multiple', `${what} (an Identified Group) has ${n} identifiers; keep at most one`);
  }
  const member = obj.member;
  if (member === undefined) {
    if (n === 0) {
      c.add(
        `${path}.member`,
        'anonymous_group_members',
        `${what} is an Anonymous Group (no identifier), so it needs a "member" array of Agents`,
      );
    }
    return;
  }
  const list = c.array(member, `${path}.member`, 'an array of Agents');
  if (!list) return;
  if (list.length === 0 && n === 0) {
    c.add(`${path}.member`, 'anonymous_group_members', 'an Anonymous Group needs at least one member Agent');
  }
  for (let i = 0; i < list.length; i++) {
    checkActor(c, list[i], `${path}.member[${i}]`, 'agent', 'a Group member');
  }
}

/** Checks each IFI present and returns how many there are. */
function checkIfis(c: Checker, obj: Json, path: string): number {
  let n = 0;
  for (const key of IFIS) {
    const v = obj[key];
    if (v === undefined) continue;
    n++;
    const p = `${path}.${key}`;
    if (key === 'mbox') {
      const s = c.string(v, p);
      if (s !== undefined && !isMailto(s)) {
        c.add(p, 'mbox', `must be a mailto: IRI such as "mailto:someone@example.com", got ${describe(s)}`);
      }
    } else if (key === 'mbox_sha1sum') {
      const s = c.string(v, p);
      if (s !== undefined && !isSha1Hex(s)) {
        c.add(p, 'mbox_sha1sum', 'must be the 40-hex-digit SHA-1 of a mailto: IRI');
      }
    } else if (key === 'openid') {
      c.iri(v, p, 'https://openid.example.com/someone');
    } else {
      checkAccount(c, v, p);
    }
  }
  return n;
}

function checkAccount(c: Checker, value: unknown, path: string): void {
  const acc = c.object(value, path, 'an account object {homePage, name}');
  if (!acc) return;
  c.keys(acc, path, ACCOUNT_KEYS, 'an account');
  if (c.required(acc, 'homePage', path, 'an account'))
    c.iri(acc.homePage, `${path}.homePage`, 'https://lms.example.com');
  if (c.required(acc, 'name', path, 'an account')) c.string(acc.name, `${path}.name`);
}
