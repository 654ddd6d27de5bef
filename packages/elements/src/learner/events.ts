/** A score as the learner widgets report it. */
export interface WidgetScore {
  raw: number;
  max: number;
  /** raw / max, 0–1 (absent when nothing is scored). */
  scaled?: number;
}

/**
 * `kairos-attempt`: an activity or a quiz started an attempt (its `attempted` statement was recorded, or
 * would have been without a tracker). Bubbles, composed.
 */
export class KairosAttemptEvent extends Event {
  constructor(
    /** The activity IRI. */
    readonly activityId: string,
    /** 1 for the first attempt. */
    readonly attempt: number,
  ) {
    super('kairos-attempt', { bubbles: true, composed: true });
  }
}

/**
 * `kairos-complete`: an activity or a quiz is completed (`completed`); a quiz reports its score and,
 * with a pass mark, whether it was passed. Bubbles, composed.
 */
export class KairosCompleteEvent extends Event {
  constructor(
    readonly activityId: string,
    readonly score?: WidgetScore,
    /** With a pass mark: passed (`true`) or failed (`false`). */
    readonly success?: boolean,
  ) {
    super('kairos-complete', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'kairos-attempt': KairosAttemptEvent;
    'kairos-complete': KairosCompleteEvent;
  }
}
