import type { TrackerOptions } from '../tracker/options.js';

/**
 * Reads the launch bootstrap Kairos writes into the page it serves at an LTI launch:
 * `<script type="application/json" id="kairos-launch">{"endpoint", "token", "actor", "context", "language"}</script>`.
 * Returns `{}` when the element is missing or not JSON.
 */
export function readLaunch(id = 'kairos-launch', doc: Document = document): Partial<TrackerOptions> {
  try {
    return JSON.parse(doc.getElementById(id)?.textContent || '{}');
  } catch {
    return {};
  }
}
