import { createHmac } from 'node:crypto';
import { normalizeMbox } from '@kairos/xapi';
import { KairosError } from '../errors.js';

/**
 * What `--learner ID` names, before the roster adds what it knows of them. Accepted forms:
 * - an agent key as Kairos stores it: `account:<homePage>|<name>`, `mbox:mailto:<address>`,
 *   `mbox_sha1sum:<hex>`, `openid:<uri>`;
 * - `mailto:<address>` (an mbox);
 * - `lti:<issuer>|<user id>`: an LTI user of a platform (their statements carry `account:<issuer>|<user id>`);
 * - a bare LTI user id (`sub`) as the roster holds it: resolved through the tenant's roster.
 */
export interface LearnerIdentity {
  /** The ID as given (never stored in clear). */
  input: string;
  agentKeys: string[];
  userIds: string[];
}

/** Parses a `--learner` ID into the agent keys and LTI user ids it names. */
export function parseLearnerId(input: string): LearnerIdentity {
  const id = input.trim();
  if (id === '')
    throw new KairosError('invalid_learner', 'give the learner ID (--learner ID)', { status: 400 });
  if (/^mailto:/i.test(id)) return { input: id, agentKeys: [`mbox:${normalizeMbox(id)}`], userIds: [] };
  if (id.startsWith('mbox:'))
    return { input: id, agentKeys: [`mbox:${normalizeMbox(id.slice(5))}`], userIds: [] };
  if (id.startsWith('mbox_sha1sum:'))
    return { input: id, agentKeys: [`mbox_sha1sum:${id.slice(13).toLowerCase()}`], userIds: [] };
  if (id.startsWith('openid:') || id.startsWith('account:'))
    return { input: id, agentKeys: [id], userIds: [] };
  if (id.startsWith('lti:')) {
    const bar = id.lastIndexOf('|');
    if (bar < 5 || bar === id.length - 1)
      throw new KairosError('invalid_learner', 'an LTI learner is lti:<issuer>|<user id>', { status: 400 });
    return {
      input: id,
      agentKeys: [`account:${id.slice(4, bar)}|${id.slice(bar + 1)}`],
      userIds: [id.slice(bar + 1)],
    };
  }
  return { input: id, agentKeys: [], userIds: [id] };
}

/**
 * The learner as the audit log names them: HMAC-SHA256 of the ID with the server secret, hex. The same ID
 * gives the same value (a later request can be matched), and the value does not give the ID back.
 */
export function learnerDigest(secret: string, id: string): string {
  return createHmac('sha256', secret).update(`kairos-learner:${id.trim()}`).digest('hex');
}
