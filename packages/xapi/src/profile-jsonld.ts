import { ActivityTypes, Extensions, KAIROS_PROFILE_IRI, Verbs } from './profile.js';

const EXTENSION_KIND: Record<keyof typeof Extensions, string> = {
  navigationFrom: 'ContextExtension',
  navigationTo: 'ContextExtension',
  timeOnPrevious: 'ResultExtension',
  idleSeconds: 'ResultExtension',
  progress: 'ResultExtension',
  attempt: 'ContextExtension',
  level: 'ActivityExtension',
  sdk: 'ContextExtension',
};

/**
 * The Kairos profile as an xAPI Profile document (JSON-LD, ADL xAPI Profiles 1.0), whose `id` is the
 * profile IRI; the Kairos server serves it at `GET /xapi/profile`. Its concepts are the ADL verbs and
 * activity types Kairos uses (their ADL IRIs) and the Kairos extensions.
 * @example res.type('application/ld+json').json(kairosProfileJsonLd())
 */
export function kairosProfileJsonLd(): Record<string, unknown> {
  const version = `${KAIROS_PROFILE_IRI}/1.0`;
  const concepts: Record<string, unknown>[] = [];
  for (const [name, verb] of Object.entries(Verbs)) {
    concepts.push({
      id: verb.id,
      type: 'Verb',
      inScheme: version,
      prefLabel: { en: name },
      definition: { en: `ADL verb "${name}"` },
    });
  }
  for (const [name, id] of Object.entries(ActivityTypes)) {
    concepts.push({
      id,
      type: 'ActivityType',
      inScheme: version,
      prefLabel: { en: name },
      definition: { en: `Activity type "${name}"` },
    });
  }
  for (const [name, id] of Object.entries(Extensions)) {
    const kind = EXTENSION_KIND[name as keyof typeof Extensions];
    concepts.push({
      id,
      type: kind,
      inScheme: version,
      prefLabel: { en: name },
      definition: { en: `Kairos extension "${name}"` },
    });
  }
  return {
    '@context': 'https://w3id.org/xapi/profiles/context',
    id: KAIROS_PROFILE_IRI,
    type: 'Profile',
    conformsTo: 'https://w3id.org/xapi/profiles#1.0',
    prefLabel: { en: 'Kairos learning analytics profile' },
    definition: { en: 'Statements emitted by the Kairos SDK and widgets; see docs/xapi-profile.md.' },
    author: { type: 'Organization', name: 'Kairos' },
    versions: [{ id: version, generatedAtTime: '2026-01-01T00:00:00Z' }],
    concepts,
  };
}
