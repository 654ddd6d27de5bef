import type { DeliveryFailure } from '../delivery/sender.js';
import type { StorageKind } from '../queue/types.js';
import type { ActivityInput, Agent, Extensions, Statement } from '../types.js';

/** The learning context every statement carries. */
export interface TrackerContext {
  /** One attempt session (`context.registration`, a UUID). */
  registration?: string;
  /** The course (`contextActivities.grouping`), e.g. the LTI context. */
  course?: ActivityInput;
  /** The enclosing session or sequence (`contextActivities.parent`); default object of initialize/terminate. */
  parent?: ActivityInput;
  /** Extra context extensions on every statement. */
  extensions?: Extensions;
}

/** Options of `createTracker`. Only `endpoint`, `token` and `actor` are needed (or `launch: true`). */
export interface TrackerOptions {
  /** The xAPI base URL, e.g. `https://kairos.example/xapi` (statements go to `{endpoint}/statements`). */
  endpoint?: string;
  /** Short-lived Bearer token minted by Kairos (LTI launch or `POST /api/v1/tokens`). */
  token?: string;
  /** Read endpoint, token, actor, context and language from the launch page (`true` or the element id). */
  launch?: boolean | string;
  /** The learner; use an opaque account (`{ account: { homePage, name } }`), never e-mail or name. */
  actor?: Agent;
  context?: TrackerContext;
  /** Language of names given as plain strings and of `context.language`; default the page's `lang`. */
  language?: string;
  /** Storage key of the queue and consent; default derived from endpoint + actor (one queue per learner). */
  name?: string;
  /** Queue backend (default `auto`: IndexedDB, else localStorage, else memory). */
  storage?: StorageKind;
  /** Queue bounds; the oldest statements are dropped past them (reported as `queue-full`). Default 1000 / 2 MB. */
  maxQueueItems?: number;
  maxQueueBytes?: number;
  /** A batch holds at most this many statements (default 50)… */
  batchSize?: number;
  /** …and this many bytes of JSON (default 48 000, so it fits a 64 KB keepalive request). */
  batchBytes?: number;
  /** Max delay before a partial batch goes out, ms (default 2000). */
  flushInterval?: number;
  /** Backoff base and cap, ms (default 1000 and 300 000). */
  retryBase?: number;
  retryCap?: number;
  /** Request timeout, ms (default 30 000). */
  timeout?: number;
  /** No input for this long (and no media playing) stops active time, ms (default 60 000). */
  idleTimeout?: number;
  /** Interval of `progressed` pings for running activities, ms (default 30 000; 0 turns them off). */
  heartbeat?: number;
  /** Start disabled until `tracker.consent(true)`. A stored opt-out always wins. */
  requireConsent?: boolean;
  /** Enrich or drop a statement before it is queued: return it (or a copy), or `null`/`false` to drop. */
  beforeSend?: (s: Statement) => Statement | null | false | undefined;
  /** Share of learners (0–1, deterministic per actor) whose `progressed` pings are sent; other statements always are. */
  sampleRate?: number;
  /** Called with each batch the server accepted. */
  onSuccess?: (statements: Statement[]) => void;
  /**
   * Called when statements are rejected, dropped or delayed, with the server's status, error code and
   * message. Dropped statements (`willRetry: false`, except `unauthorized`) are also logged with
   * `console.warn`.
   */
  onFailure?: (f: DeliveryFailure) => void;
  /** Logs statements and deliveries, and warns about likely mistakes (PII in the actor, non-IRI ids…). */
  debug?: boolean;
  /** `fetch` to use (default the global one). */
  fetch?: typeof fetch;
}
