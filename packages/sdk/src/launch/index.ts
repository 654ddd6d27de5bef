import type { TrackerOptions } from '../tracker/options.js';
import { createTracker, type Tracker } from '../tracker/tracker.js';

export { readLaunch } from './read.js';

/**
 * A tracker configured from the Kairos launch page (`<script type="application/json" id="kairos-launch">`);
 * `overrides` win over the launch values.
 * @example
 * import { fromLaunch } from '@kairos/sdk/launch';
 * const tracker = fromLaunch({ debug: true });
 */
export function fromLaunch(overrides: TrackerOptions = {}): Tracker {
  return createTracker({ launch: true, ...overrides });
}
