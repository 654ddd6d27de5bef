export type { DeliveryFailure } from './delivery/sender.js';
export { readLaunch } from './launch/read.js';
export { ActivityTypes, KAIROS_PROFILE_IRI, ProfileExtensions, Verbs } from './profile.js';
export type { StorageKind } from './queue/types.js';
export type {
  ComponentInput,
  InteractionResponse,
  InteractionType,
  QuestionInput,
} from './statements/interaction.js';
export { formatResponse } from './statements/interaction.js';
export type { TrackerContext, TrackerOptions } from './tracker/options.js';
export type { ResultInput, ScoreInput, StatementContextInput } from './tracker/statements.js';
export { createTracker, type Tracker } from './tracker/tracker.js';
export type * from './types.js';
export { toDuration } from './util/duration.js';
