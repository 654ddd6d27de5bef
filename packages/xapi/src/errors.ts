/** One problem found in a statement: where, which rule, and a message saying how to fix it. */
export interface ValidationIssue {
  /** Location in the request body, e.g. `statement[3].actor.mbox`. */
  path: string;
  /** Stable machine-readable rule name, e.g. `mbox_format`. */
  rule: string;
  /** Human-readable message, prefixed by the path: `statement[3].actor.mbox: must be a mailto: IRI …`. */
  message: string;
}

/** Thrown when one or more statements break the xAPI data rules; the LRS answers 400 with `issues`. */
export class XapiValidationError extends Error {
  readonly code = 'xapi_invalid';
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    const first = issues[0]?.message ?? 'invalid xAPI statement';
    const more =
      issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
    super(first + more);
    this.name = 'XapiValidationError';
    this.issues = issues;
  }
}
