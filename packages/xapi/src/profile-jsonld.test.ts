import { describe, expect, it } from 'vitest';
import { Extensions, KAIROS_PROFILE_IRI, Verbs } from './profile.js';
import { kairosProfileJsonLd } from './profile-jsonld.js';

describe('kairosProfileJsonLd', () => {
  it('lists every verb and extension of the profile', () => {
    const doc = kairosProfileJsonLd() as { id: string; concepts: Array<{ id: string; type: string }> };
    expect(doc.id).toBe(KAIROS_PROFILE_IRI);
    for (const v of Object.values(Verbs))
      expect(doc.concepts).toContainEqual(expect.objectContaining({ id: v.id, type: 'Verb' }));
    const extensions = doc.concepts.filter((c) => c.type.endsWith('Extension')).map((c) => c.id);
    expect(extensions.sort()).toEqual(Object.values(Extensions).sort());
  });
});
