import { describe, expect, it } from 'vitest';
import { isStatementVersion, parseVersionHeader, SUPPORTED_VERSIONS } from './version.js';

describe('parseVersionHeader', () => {
  it('normalizes accepted versions', () => {
    for (const v of ['1.0', '1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.9', ' 1.0.3 '])
      expect(parseVersionHeader(v)).toBe('1.0.3');
    for (const v of ['2.0', '2.0.0', '2.0.1']) expect(parseVersionHeader(v)).toBe('2.0.0');
  });

  it('rejects others', () => {
    for (const v of [undefined, '', '0.95', '0.9', '1', '1.1.0', '1.0.x', '2.1.0', '3.0', '1.0.3.1', 'abc']) {
      expect(parseVersionHeader(v)).toBeUndefined();
    }
  });

  it('lists both versions for /about', () => {
    expect(SUPPORTED_VERSIONS).toEqual(['1.0.3', '2.0.0']);
  });

  it('checks statement versions per request version', () => {
    expect(isStatementVersion('1.0', '1.0.3')).toBe(true);
    expect(isStatementVersion('2.0.0', '1.0.3')).toBe(false);
    expect(isStatementVersion('2.0.0', '2.0.0')).toBe(true);
    expect(isStatementVersion('1.1.0', '2.0.0')).toBe(false);
  });
});
