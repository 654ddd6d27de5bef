import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { externalPage, handoffUrl } from './external-page.js';
import type { LaunchBootstrap } from './learner-page.js';

const allowed = loadConfig({
  KAIROS_LTI_PAGES: 'https://course.example.edu/ http://localhost:8080',
}).ltiPages;

describe('a developer page as a launch target (custom.page)', () => {
  it('KAIROS_LTI_PAGES lists origins; nothing is allowed without it', () => {
    expect(allowed).toEqual(['https://course.example.edu', 'http://localhost:8080']);
    expect(loadConfig({}).ltiPages).toEqual([]);
    expect(() => loadConfig({ KAIROS_LTI_PAGES: 'course.example.edu' })).toThrow(
      /^KAIROS_LTI_PAGES must be http:\/\/ or https:\/\/ origins/,
    );
  });

  it('a link without custom.page is not handed off', () => {
    expect(externalPage({ activity: 'fractions-quiz' }, allowed)).toBeUndefined();
  });

  it('accepts a page of a listed origin, refuses others and non-http URLs', () => {
    expect(externalPage({ page: 'https://course.example.edu/unit/2?x=1' }, allowed)?.href).toBe(
      'https://course.example.edu/unit/2?x=1',
    );
    expect(() => externalPage({ page: 'https://evil.example/collect' }, allowed)).toThrow(
      expect.objectContaining({ status: 403, code: 'page_not_allowed' }),
    );
    // the same host on another port or scheme is another origin
    expect(() => externalPage({ page: 'http://course.example.edu/' }, allowed)).toThrow(
      expect.objectContaining({ code: 'page_not_allowed' }),
    );
    expect(() => externalPage({ page: 'javascript:alert(1)' }, allowed)).toThrow(
      expect.objectContaining({ status: 400, code: 'invalid_page' }),
    );
    expect(() => externalPage({ page: 'not a url' }, allowed)).toThrow(
      expect.objectContaining({ code: 'invalid_page' }),
    );
  });

  it('puts the bootstrap in the fragment, replacing any, keeping the query', () => {
    const bootstrap: LaunchBootstrap = {
      endpoint: 'https://kairos.example/xapi',
      token: 'a.b.c',
      actor: { account: { homePage: 'https://lms.example', name: '42' } },
      context: { registration: 'r' },
      language: 'fr',
    };
    const to = new URL(handoffUrl(new URL('https://course.example.edu/p?unit=2#old'), bootstrap));
    expect(to.search).toBe('?unit=2');
    expect(to.hash.startsWith('#kairos-launch=')).toBe(true);
    expect(JSON.parse(decodeURIComponent(to.hash.slice('#kairos-launch='.length)))).toEqual(bootstrap);
  });
});
