import type { Agent, Group } from './types.js';

/**
 * Normalizes a mailto IRI for comparison: the scheme and the domain are case-insensitive
 * (xAPI-Data §2.3.1), the local part is kept as sent.
 * @example normalizeMbox('MAILTO:Ann@Example.COM') // 'mailto:Ann@example.com'
 */
export function normalizeMbox(mbox: string): string {
  const at = mbox.lastIndexOf('@');
  const local = mbox.slice(7, at < 0 ? undefined : at);
  return at < 0 ? `mailto:${local}` : `mailto:${local}@${mbox.slice(at + 1).toLowerCase()}`;
}

/**
 * Identity key of an Agent or Identified Group for indexes and the `agent` filter:
 * `mbox:mailto:a@b`, `mbox_sha1sum:<hex>`, `openid:<uri>` or `account:<homePage>|<name>`.
 * Returns `undefined` for an Anonymous Group (no identifier).
 * @example agentKey({ account: { homePage: 'https://lms.example', name: '42' } }) // 'account:https://lms.example|42'
 */
export function agentKey(agentOrIdentifiedGroup: Agent | Group): string | undefined {
  const a = agentOrIdentifiedGroup;
  if (typeof a.mbox === 'string') return `mbox:${normalizeMbox(a.mbox)}`;
  if (typeof a.mbox_sha1sum === 'string') return `mbox_sha1sum:${a.mbox_sha1sum.toLowerCase()}`;
  if (typeof a.openid === 'string') return `openid:${a.openid}`;
  if (a.account && typeof a.account === 'object') return `account:${a.account.homePage}|${a.account.name}`;
  return undefined;
}
