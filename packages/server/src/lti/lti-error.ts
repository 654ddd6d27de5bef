import { HttpError } from '../errors.js';

/**
 * A refused LTI request: rendered as an HTML page (status, message for the person in front of the LMS)
 * and logged with `reason` (details for the operator, never shown).
 */
export class LtiError extends HttpError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly reason?: string,
    readonly title = 'This launch cannot continue',
  ) {
    super(status, code, message);
    this.name = 'LtiError';
  }
}
