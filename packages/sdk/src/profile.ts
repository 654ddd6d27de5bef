// The Kairos profile constants are small: the SDK bundles them (and nothing else of @kairos/xapi).
export { ActivityTypes, Extensions as ProfileExtensions, KAIROS_PROFILE_IRI, Verbs } from '@kairos/xapi';
