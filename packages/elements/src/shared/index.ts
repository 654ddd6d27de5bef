export type * from './api-types.js';
export { AnalyticsClient, ApiError, type ClientOptions } from './client.js';
export { LANGUAGES, type Language, Localize, languageOf, type Messages } from './localize.js';
export { type LoadState, renderState } from './states.js';
export { LEVEL_STYLE, tokens } from './tokens.js';
