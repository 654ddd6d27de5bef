import { describe, expect, it } from 'vitest';
import {
  isIri,
  isLanguageTag,
  isMailto,
  isUuid,
  timestampInstant,
  timestampProblem,
  toUtcTimestamp,
} from './formats.js';

describe('formats', () => {
  it('IRIs need a scheme', () => {
    for (const ok of [
      'http://example.com',
      'urn:uuid:1234',
      'https://例え.jp/パス',
      'mailto:a@b.c',
      'tag:x.org,2024:a',
    ])
      expect(isIri(ok)).toBe(true);
    for (const bad of ['', 'example.com', '/path', 'ab=c://x', 'http://a b', '1http://x', 'http:'])
      expect(isIri(bad)).toBe(false);
  });

  it('mailto IRIs need an address', () => {
    expect(isMailto('mailto:a.b+c@example.co.uk')).toBe(true);
    expect(isMailto('MAILTO:a@b.c')).toBe(true);
    for (const bad of ['a@b.c', 'mailto:', 'mailto:ab.c', 'mailto:a@', 'http://a@b.c', 'mailto:a b@c.d'])
      expect(isMailto(bad)).toBe(false);
  });

  it('UUIDs of any version and variant', () => {
    expect(isUuid('018f3a2c-7d4e-7b1a-9c2d-3e4f5a6b7c8d')).toBe(true);
    expect(isUuid('00000000-0000-0000-0000-000000000000')).toBe(true);
    expect(isUuid('AA97B177-9383-4934-C543-0F91A7A02836')).toBe(true);
    for (const bad of [
      'AA97B177-9383-4934-8543-0F91A7A028368',
      'MA97B177-9383-4934-8543-0F91A7A02836',
      'aa97b17793834934854300f91a7a02836',
    ])
      expect(isUuid(bad)).toBe(false);
  });

  it('RFC 5646 language tags', () => {
    for (const ok of [
      'en',
      'en-US',
      'zh-Hant-TW',
      'es-419',
      'de-CH-1996',
      'x-klingon',
      'i-klingon',
      'und',
      'sl-rozaj-biske',
      'en-a-bbb-x-a-ccc',
      'zh-cmn-Hans-CN',
    ]) {
      expect(isLanguageTag(ok), ok).toBe(true);
    }
    for (const bad of ['', 'e', 'en_US', 'en-', 'english-language-x', '123', 'en--US', 'a12345678'])
      expect(isLanguageTag(bad), bad).toBe(false);
  });

  it('timestamps', () => {
    for (const ok of [
      '2008-09-15T15:53:00.601+00:00',
      '2008-09-15T15:53:00Z',
      '2008-09-15t15:53:00.1234567z',
      '2008-09-15T15:53:00+0530',
      '2008-09-15T15:53:00+05',
      '2024-02-29T00:00:00Z',
    ]) {
      expect(timestampProblem(ok, '2.0.0'), ok).toBeUndefined();
    }
    expect(timestampProblem('2008-09-15T15:53:00', '1.0.3')).toBeUndefined();
    for (const bad of [
      '2008-09-15T15:53:00-00:00',
      '2008-09-15T15:53:00-0000',
      '2008-09-15T15:53:00-00',
      '2023-02-29T00:00:00Z',
      '2008-09-15',
      '2008-09-15T25:00:00Z',
      '01/011/2015',
      '2008-09-15T15:53:00+24:00',
    ]) {
      expect(timestampProblem(bad, '1.0.3'), bad).toBeDefined();
    }
    expect(timestampProblem('2008-09-15T15:53:00', '2.0.0')).toMatch(/offset/);
  });

  it('reads instants and converts to UTC', () => {
    expect(timestampInstant('2024-05-01T12:30:00.123+02:00')!.ms).toBe(
      Date.parse('2024-05-01T10:30:00.123Z'),
    );
    expect(toUtcTimestamp('2024-05-01T12:30:00.1234567+02:00')).toBe('2024-05-01T10:30:00.1234567Z');
    expect(toUtcTimestamp('2024-05-01T12:30:00-0130')).toBe('2024-05-01T14:00:00.000Z');
  });
});
