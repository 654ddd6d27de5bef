import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CourseEvent } from '../shared/api-types.js';
import type { AnalyticsClient } from '../shared/client.js';

/** Where a live feed stands. */
export type LiveState = { state: 'off' } | { state: 'live' } | { state: 'refused'; message: string };

/**
 * A course's live events (`GET …/events`) while the host is connected: listens with the client, restarts
 * when the course or the client changes, stops when the host leaves the page. The client reconnects by
 * itself after a drop (resuming with `Last-Event-ID`); a refusal (4xx) ends the feed with its message.
 */
export class LiveFeed implements ReactiveController {
  state: LiveState = { state: 'off' };
  private abort?: AbortController;
  private key?: unknown[];

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: () => { client: AnalyticsClient; course: string; enabled: boolean },
    private readonly onEvent: (e: CourseEvent) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.requestUpdate();
  }

  hostUpdated(): void {
    const { client, course, enabled } = this.source();
    const key = [client, course, enabled];
    if (this.key && key.every((k, i) => k === this.key![i])) return;
    this.key = key;
    this.stop();
    if (!enabled || !course) return;
    const abort = new AbortController();
    this.abort = abort;
    this.state = { state: 'live' };
    client.listen(course, this.onEvent, abort.signal).then(
      () => {},
      (e: unknown) => {
        if (abort.signal.aborted) return;
        this.state = { state: 'refused', message: e instanceof Error ? e.message : String(e) };
        this.host.requestUpdate();
      },
    );
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.stop();
    this.key = undefined;
  }

  private stop(): void {
    this.abort?.abort();
    this.abort = undefined;
    this.state = { state: 'off' };
  }
}

/**
 * Runs `flush` with what was marked, `delay` ms after the first mark of a burst: a class at work sends
 * events every few seconds, and each refetch should cover all of them (never postponed without end).
 */
export class Coalesce<K> {
  private marks = new Set<K>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly delay: () => number,
    private readonly flush: (marks: Set<K>) => void,
  ) {}

  mark(...keys: K[]): void {
    for (const k of keys) this.marks.add(k);
    this.timer ??= setTimeout(() => {
      const marks = this.marks;
      this.marks = new Set();
      this.timer = undefined;
      this.flush(marks);
    }, this.delay());
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.marks.clear();
  }
}
