import { html, type TemplateResult } from 'lit';

/** What an element that loads data shows: loading, an error (with retry), nothing yet, or its content. */
export type LoadState<T> =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; data: T };

/** The loading, error and empty states every data element renders the same way (as `part="state"`). */
export function renderState<T>(
  s: LoadState<T>,
  text: { loading: string; error: string; retry: string; empty: string; idle?: string },
  ready: (data: T) => TemplateResult,
  isEmpty: (data: T) => boolean,
  retry?: () => void,
): TemplateResult {
  switch (s.state) {
    case 'idle':
      // not configured enough to fetch (no course yet): say so, rather than "Loading…" forever
      if (text.idle) return html`<p part="state" class="muted">${text.idle}</p>`;
      return html`<p part="state" class="muted" role="status" aria-live="polite">${text.loading}</p>`;
    case 'loading':
      return html`<p part="state" class="muted" role="status" aria-live="polite">${text.loading}</p>`;
    case 'error':
      return html`<div part="state error" role="alert">
        <p>${text.error}: ${s.message}</p>
        ${retry ? html`<button type="button" @click=${retry}>${text.retry}</button>` : ''}
      </div>`;
    case 'ready':
      return isEmpty(s.data) ? html`<p part="state" class="muted">${text.empty}</p>` : ready(s.data);
  }
}
