import { timestampInstant, timestampProblem, type XapiVersion } from '@kairos/xapi';
import { HttpError } from '../errors.js';

/**
 * A timestamp query parameter (`since`, `until` of statements and documents) as epoch milliseconds,
 * read by the rule statement timestamps follow (`timestampProblem` of @kairos/xapi, for the request's
 * version): a real calendar date and time, no `-00:00`, and in 2.0 an offset (1.0.3 reads a missing one
 * as UTC). A parameter that a statement could not carry is a 400 naming it.
 * @example timestampParam('since', '2026-01-31T12:00:00Z', '2.0.0') // 1769860800000
 */
export function timestampParam(name: string, value: string, version: XapiVersion): number {
  const problem = timestampProblem(value, version);
  const t = problem === undefined ? timestampInstant(value) : undefined;
  if (!t || Number.isNaN(t.ms)) {
    throw new HttpError(
      400,
      'invalid_query',
      `${name} ${problem ?? 'is out of range'}, e.g. 2026-01-31T12:00:00Z; got ${JSON.stringify(value)}`,
    );
  }
  return t.ms;
}
