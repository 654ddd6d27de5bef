import type { CourseEvent } from './api-types.js';

/** A refused or failed API call, with the server's code and message (docs/analytics.md). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Where the analytics API is and how to call it. */
export interface ClientOptions {
  /** `https://kairos.example/api/v1` */
  endpoint: string;
  /** A Bearer token (an instructor launch, or minted by the site's backend). */
  token?: string;
  fetch?: typeof fetch;
}

/**
 * The analytics API for elements: typed GETs, writes, CSV downloads, and the live feed as server-sent
 * events read with `fetch` (so the token travels in a header), resuming after a drop with `Last-Event-ID`.
 *
 * @example
 * const api = new AnalyticsClient({ endpoint: '/api/v1', token });
 * const stuck = await api.get<StuckPoints>(`/courses/${encodeURIComponent(course)}/stuck-points`);
 */
export class AnalyticsClient {
  constructor(readonly options: ClientOptions) {}

  private url(path: string): string {
    return `${this.options.endpoint.replace(/\/+$/, '')}${path}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}), ...extra };
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    accept = 'application/json',
  ): Promise<T> {
    const f = this.options.fetch ?? fetch;
    const res = await f(this.url(path), {
      method,
      headers: this.headers({
        accept,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) {
      const e = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
      throw new ApiError(
        res.status,
        e.code ?? 'http_error',
        e.message ?? `the server answered ${res.status}`,
      );
    }
    return (accept === 'text/csv' ? res.text() : res.json()) as Promise<T>;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PUT', path, body);
  }

  /** A list as CSV text (`Accept: text/csv`). */
  csv(path: string): Promise<string> {
    return this.call<string>('GET', path, undefined, 'text/csv');
  }

  /**
   * Listens to a course's live events until the signal aborts; reconnects after a drop (2 s later), resuming
   * from the last event received.
   */
  async listen(course: string, onEvent: (e: CourseEvent) => void, signal: AbortSignal): Promise<void> {
    const f = this.options.fetch ?? fetch;
    let last: string | undefined;
    while (!signal.aborted) {
      try {
        const res = await f(this.url(`/courses/${encodeURIComponent(course)}/events`), {
          headers: this.headers({ accept: 'text/event-stream', ...(last ? { 'last-event-id': last } : {}) }),
          signal,
        });
        if (!res.ok || !res.body) throw new ApiError(res.status, 'events_refused', `events: ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const e = parseEvent(block);
            if (e?.id !== undefined) last = String(e.id);
            if (e && e.type !== 'ready') onEvent(e);
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) throw error;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

/** One server-sent event block (`id:`, `event:`, `data:` lines). */
function parseEvent(block: string): CourseEvent | undefined {
  let id: number | undefined;
  let type = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('id: ')) id = Number(line.slice(4));
    else if (line.startsWith('event: ')) type = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (!data) return undefined;
  try {
    return { id: id ?? 0, type, data: JSON.parse(data) };
  } catch {
    return undefined;
  }
}
