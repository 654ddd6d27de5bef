import { LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { AnalyticsClient } from '../shared/client.js';
import type { LoadState } from '../shared/states.js';
import { KairosLoadEvent } from './events.js';

/** The properties whose change means other data: every widget fetches again. */
const DATA_KEYS = ['endpoint', 'token', 'client', 'course', 'asOf', 'group', 'from', 'to'];

/**
 * What every teacher widget shares: where the API is (`endpoint`, `token`, or a shared `client`), which
 * course and population (`course`, `as-of`, `group`, `from`, `to`), one fetch per change of those, and
 * `refresh()` for live updates (the figures shown stay until the new ones arrive).
 *
 * @fires kairos-load - The data arrived and is rendered.
 */
export abstract class TeacherElement<T> extends LitElement {
  /** The analytics API's base URL. */
  @property() endpoint = '/api/v1';
  /** A Bearer token: an instructor launch's, or one the site's backend minted (`POST /api/v1/tokens`). */
  @property() token?: string;
  /** A client shared by several widgets (the dashboard passes its own); wins over `endpoint` and `token`. */
  @property({ attribute: false }) client?: AnalyticsClient;
  /** The course: its LTI context id, or its IRI. */
  @property() course = '';
  /** The instant the 7-day rules are measured from (ISO 8601; default: now). */
  @property({ attribute: 'as-of' }) asOf?: string;
  /** Only the learners of this roster group. */
  @property() group?: string;
  /** Only learners active on or after this instant (ISO 8601). */
  @property() from?: string;
  /** Only learners active on or before this instant (ISO 8601). */
  @property() to?: string;

  @state() protected load: LoadState<T> = { state: 'idle' };
  private own?: AnalyticsClient;
  private request = 0;

  /** The properties of the subclass that also name other data (`learner`, `activity`). */
  protected static dataKeys: string[] = [];

  /** The data shown, once loaded. */
  get data(): T | undefined {
    return this.load.state === 'ready' ? this.load.data : undefined;
  }

  /** The client the widget calls: the shared one, or its own from `endpoint` and `token`. */
  protected get api(): AnalyticsClient {
    if (this.client) return this.client;
    const o = this.own?.options;
    if (!this.own || o?.endpoint !== this.endpoint || o?.token !== this.token)
      this.own = new AnalyticsClient({ endpoint: this.endpoint, token: this.token });
    return this.own;
  }

  /** `/courses/{course}{sub}` with the population's query (`asOf`, `group`, `from`, `to`). */
  protected path(sub = ''): string {
    const q = new URLSearchParams();
    if (this.asOf) q.set('asOf', this.asOf);
    if (this.group) q.set('group', this.group);
    if (this.from) q.set('from', this.from);
    if (this.to) q.set('to', this.to);
    const query = q.toString();
    return `/courses/${encodeURIComponent(this.course)}${sub}${query ? `?${query}` : ''}`;
  }

  /** Fetches the widget's data. */
  protected abstract fetchData(api: AnalyticsClient): Promise<T>;

  /** Whether the widget knows enough to fetch (a course; a learner or an activity for some). */
  protected canFetch(): boolean {
    return this.course !== '';
  }

  protected override willUpdate(changed: PropertyValues): void {
    const keys = [...DATA_KEYS, ...(this.constructor as typeof TeacherElement).dataKeys];
    if (keys.some((k) => changed.has(k as keyof this))) void this.fetchNow(false);
  }

  /** Fetches again, keeping the figures shown until the new ones arrive (live updates). */
  refresh(): Promise<void> {
    return this.fetchNow(true);
  }

  private async fetchNow(quiet: boolean): Promise<void> {
    if (!this.canFetch()) {
      this.load = { state: 'idle' };
      return;
    }
    const mine = ++this.request;
    if (!quiet || this.load.state !== 'ready') this.load = { state: 'loading' };
    try {
      const data = await this.fetchData(this.api);
      if (mine !== this.request) return; // a newer request (another course, filter) superseded this one
      this.loaded(data);
      this.load = { state: 'ready', data };
    } catch (e) {
      if (mine !== this.request) return;
      // a failed live refresh keeps the figures shown; a failed load says why
      if (!(quiet && this.load.state === 'ready'))
        this.load = { state: 'error', message: e instanceof Error ? e.message : String(e) };
      return;
    }
    await this.updateComplete;
    if (mine === this.request) this.dispatchEvent(new KairosLoadEvent());
  }

  /** Called with newly loaded data, before it renders (to reset a selection, build indexes). */
  protected loaded(_data: T): void {}

  /** Fetches again after an error. */
  protected readonly retry = (): void => void this.fetchNow(false);
}
