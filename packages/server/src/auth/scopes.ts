/**
 * Credential scopes (DESIGN.md "Tenancy, identity, authorization"): the xAPI scopes plus `analytics/read`
 * (the analytics API) and `analytics/write` (a course's settings, structure, roster and manual levels;
 * with an API key, also frameworks, alignments and mastery parameters).
 */
export const SCOPES = [
  'statements/write',
  'statements/read',
  'statements/read/mine',
  'all/read',
  'all',
  'state',
  'profile',
  'define',
  'analytics/read',
  'analytics/write',
] as const;

/** One credential scope. */
export type Scope = (typeof SCOPES)[number];

/** True when `value` names a scope. */
export const isScope = (value: string): value is Scope => (SCOPES as readonly string[]).includes(value);

/** Can these scopes write statements? */
export const canWriteStatements = (scopes: readonly string[]) =>
  scopes.includes('all') || scopes.includes('statements/write');

/**
 * What these scopes may read of statements: `all` of the tenant's, only the credential's `mine`, or none.
 */
export function statementReadAccess(scopes: readonly string[]): 'all' | 'mine' | 'none' {
  if (scopes.includes('all') || scopes.includes('all/read') || scopes.includes('statements/read'))
    return 'all';
  if (scopes.includes('statements/read/mine')) return 'mine';
  return 'none';
}
