import type { Level } from '../shared/api-types.js';

const options = { bubbles: true, composed: true } as const;

/**
 * A teacher chose a learner (a name in a table, a badge, the live list): `<kairos-dashboard>` opens the
 * learner's timeline; a page may open its own view.
 */
export class KairosSelectLearnerEvent extends Event {
  constructor(
    /** The learner's agent key (`account:<homePage>|<name>`), as the API names learners. */
    readonly learner: string,
    /** The learner's name, when the API gave one. */
    readonly name?: string,
  ) {
    super('kairos-select-learner', options);
  }
}

/** A teacher chose an activity: `<kairos-dashboard>` opens its item analysis. */
export class KairosSelectActivityEvent extends Event {
  constructor(
    /** The activity IRI. */
    readonly activity: string,
    readonly title?: string,
  ) {
    super('kairos-select-activity', options);
  }
}

/** The server recorded a teacher's level for a learner's competency (`POST …/assessments` answered 201). */
export class KairosLevelSetEvent extends Event {
  constructor(
    readonly learner: string,
    readonly competency: string,
    readonly level: Level,
    /** The credential that set it, and when (the server's answer). */
    readonly assessor: string,
    readonly assessedAt: string,
  ) {
    super('kairos-level-set', options);
  }
}

/** A teacher widget rendered the data it fetched (first load, a filter change, or a refresh). */
export class KairosLoadEvent extends Event {
  constructor() {
    super('kairos-load', options);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'kairos-select-learner': KairosSelectLearnerEvent;
    'kairos-select-activity': KairosSelectActivityEvent;
    'kairos-level-set': KairosLevelSetEvent;
    'kairos-load': KairosLoadEvent;
  }
}
