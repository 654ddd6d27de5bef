import { type Statement, statementSignature } from '@kairos/xapi';
import { compactVerify, decodeProtectedHeader, importX509 } from 'jose';
import { HttpError } from '../../errors.js';

/** usageType of the attachment carrying a statement's JWS signature. */
export const SIGNATURE_USAGE = 'http://adlnet.gov/expapi/attachments/signature';

const bad = (path: string, message: string) => new HttpError(400, 'invalid_signature', `${path}: ${message}`);

/**
 * Checks a signed statement (xAPI "Signed Statements"): the JWS uses RS256, RS384 or RS512; its payload is
 * the statement as it was before signing (compared by the immutability rules); when the header carries an
 * X.509 chain (`x5c`), the signature verifies with its first certificate.
 */
export async function verifyStatementSignature(
  statement: Statement,
  jws: string,
  path: string,
): Promise<void> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw bad(path, 'the signature attachment is not a compact JWS');
  }
  if (!['RS256', 'RS384', 'RS512'].includes(String(header.alg))) {
    throw bad(path, `the JWS must use RS256, RS384 or RS512 (got ${header.alg})`);
  }
  const segments = jws.split('.');
  if (segments.length !== 3) throw bad(path, 'the signature attachment is not a compact JWS');
  let payload: Statement;
  try {
    payload = JSON.parse(Buffer.from(segments[1]!, 'base64url').toString('utf8'));
  } catch {
    throw bad(path, 'the JWS payload is not JSON');
  }
  const unsigned = {
    ...statement,
    attachments: statement.attachments?.filter((a) => a.usageType !== SIGNATURE_USAGE),
  };
  if (!unsigned.attachments?.length) delete unsigned.attachments;
  const comparable = (s: Statement) => statementSignature({ ...s, id: s.id ?? statement.id } as Statement);
  if (typeof payload !== 'object' || payload === null || comparable(payload) !== comparable(unsigned)) {
    throw bad(path, 'the JWS payload differs from the statement');
  }
  if (Array.isArray(header.x5c) && header.x5c.length > 0) {
    try {
      const pem = `-----BEGIN CERTIFICATE-----\n${header.x5c[0]}\n-----END CERTIFICATE-----`;
      await compactVerify(jws, await importX509(pem, String(header.alg)));
    } catch {
      throw bad(path, 'the JWS does not verify with the certificate in its x5c header');
    }
  }
}
