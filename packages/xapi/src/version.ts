/** xAPI versions Kairos speaks, normalized to their latest patch. */
export type XapiVersion = '1.0.3' | '2.0.0';

/** Versions listed by `GET /xapi/about` (`version` array). */
export const SUPPORTED_VERSIONS: readonly string[] = Object.freeze(['1.0.3', '2.0.0']);

const HEADER = /^(1\.0|2\.0)(?:\.(\d+))?$/;

/**
 * Negotiates the `X-Experience-API-Version` request header. Any 1.0.x (and `1.0`) maps to `1.0.3`,
 * `2.0` / `2.0.x` to `2.0.0`; anything else (missing, 0.95, 1.1.0) gives `undefined`.
 * @example parseVersionHeader('1.0.2') // '1.0.3' (TinCanJS and Articulate send 1.0.2)
 */
export function parseVersionHeader(value: string | undefined): XapiVersion | undefined {
  if (value === undefined) return undefined;
  const m = HEADER.exec(value.trim());
  if (!m) return undefined;
  if (m[1] === '1.0') return '1.0.3';
  return '2.0.0';
}

const STATEMENT_VERSION_1 = /^1\.0(?:\.\d+)?$/;
const STATEMENT_VERSION_2 = /^2\.0(?:\.\d+)?$/;

/**
 * Whether a statement's `version` property is acceptable under the request's xAPI version:
 * 1.0.3 accepts `1.0` and `1.0.x`; 2.0.0 also accepts `2.0` and `2.0.x`.
 */
export function isStatementVersion(value: string, requestVersion: XapiVersion): boolean {
  if (STATEMENT_VERSION_1.test(value)) return true;
  return requestVersion === '2.0.0' && STATEMENT_VERSION_2.test(value);
}
