import { type ActivityRef, ActivityTypes, type Tracker } from '@kairos/sdk';
import { css, html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { Localize } from '../shared/localize.js';
import { tokens } from '../shared/tokens.js';
import { KairosAttemptEvent, KairosCompleteEvent } from './events.js';
import { MESSAGES } from './messages.js';
import { learnerStyles } from './styles.js';
import { findTracker } from './tracker.js';

/**
 * Tracks a piece of learning content: an attempt when it appears (`attempted`; a tracker it makes
 * itself also starts the session, `initialized`), active time (the SDK's: visible, focused, input in
 * the last minute), and completion (`completed`) when the learner presses "I'm done", when
 * `complete()` is called, or when every quiz inside it has been checked.
 *
 * It records with its `tracker` property, else the nearest ancestor's, else one from the LTI launch
 * page (`#kairos-launch`), else one configured by `endpoint`, `token` and `actor` (JSON). Quizzes and
 * activities inside it use its tracker, and name it as their parent.
 *
 * @tagname kairos-activity
 * @example
 * <kairos-activity activity-id="https://school.example/lessons/fractions-1" name="Fractions" type="lesson">
 *   <p>A fraction is…</p>
 * </kairos-activity>
 * @slot - The content
 * @slot complete - An element that completes the activity when clicked (instead of the "I'm done" button)
 * @event kairos-attempt - The activity started (`KairosAttemptEvent`)
 * @event kairos-complete - The activity is completed (`KairosCompleteEvent`)
 * @csspart footer - Below the content: the button and the status
 * @csspart button - The built-in "I'm done" button; also `complete-button`
 * @csspart status - "Completed" once done
 * @cssproperty --kairos-accent - The button
 * @cssproperty --kairos-font - Font family
 * @cssproperty --kairos-text - Text colour
 */
export class KairosActivity extends LitElement {
  static override styles = [
    tokens,
    learnerStyles,
    css`
      .footer {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.75rem;
        margin-top: 1rem;
      }
      .status {
        margin: 0;
        font-weight: 600;
      }
    `,
  ];

  /** The activity IRI (default the page URL). */
  @property({ attribute: 'activity-id' }) activityId = '';
  /** The activity's name (`object.definition.name`). */
  @property() name = '';
  /** Its type: an IRI, or `lesson`, `module`, `assessment`, `course`, `page` (the Kairos profile's). */
  @property() type = '';
  /** The tracker to record with (else found as described above). */
  @property({ attribute: false }) tracker?: Tracker | null;
  /** Set (and reflected) once completed. */
  @property({ type: Boolean, reflect: true }) completed = false;

  private started = false;
  private readonly t = new Localize(this, MESSAGES);

  constructor() {
    super();
    this.addEventListener('kairos-complete', (e) => {
      const quizzes = Array.from(this.querySelectorAll('kairos-quiz'));
      if (e.target !== this && quizzes.includes(e.target as never) && quizzes.every((q) => q.completed))
        this.complete();
    });
  }

  private get activity(): ActivityRef {
    const type = ActivityTypes[this.type as keyof typeof ActivityTypes] ?? (this.type || undefined);
    return {
      id: this.activityId || location.origin + location.pathname,
      ...(this.name ? { name: this.name } : {}),
      ...(type ? { type } : {}),
    };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.started) return;
    this.started = true;
    // before the children connect: a quiz inside finds this tracker
    this.tracker = findTracker(this);
    this.tracker?.attempt(this.activity);
    this.dispatchEvent(new KairosAttemptEvent(this.activity.id, 1));
  }

  /** Completes the activity (once): `completed` with its active time, and `kairos-complete`. */
  complete(): void {
    if (this.completed) return;
    this.completed = true;
    this.tracker?.complete(this.activity);
    this.dispatchEvent(new KairosCompleteEvent(this.activity.id));
  }

  protected override render() {
    return html`<slot></slot>
      <div part="footer" class="footer">
        <slot name="complete" @click=${() => this.complete()}
          >${
            this.completed
              ? nothing
              : html`<button type="button" part="button complete-button">${this.t.m.done}</button>`
          }</slot
        >
        <p part="status" class="status" role="status">${this.completed ? `✓ ${this.t.m.completed}` : ''}</p>
      </div>`;
  }
}
