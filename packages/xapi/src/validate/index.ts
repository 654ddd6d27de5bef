import { type ValidationIssue, XapiValidationError } from '../errors.js';
import type { Context, Statement } from '../types.js';
import type { XapiVersion } from '../version.js';
import { Checker } from './checker.js';
import { jsonIssues } from './json.js';
import { checkStatement } from './statement.js';

/** Options of {@link validateStatement}. */
export interface ValidateOptions {
  /** xAPI version of the request (from {@link parseVersionHeader}). */
  version: XapiVersion;
  /** Path prefix used in issues; `statement` by default. */
  path?: string;
}

/**
 * Lists the problems of one statement without throwing (empty when valid).
 * @example statementIssues(body, { version: '2.0.0' }).map((i) => i.message)
 */
export function statementIssues(input: unknown, opts: ValidateOptions): ValidationIssue[] {
  const c = new Checker(opts.version);
  check(c, input, opts.path ?? 'statement');
  return c.issues;
}

/**
 * The JSON-level rules (depth, NUL, lone surrogates) come first and, when broken, alone: the structural
 * checks and everything after validation (signature, stores) may then assume bounded, storable input.
 */
function check(c: Checker, input: unknown, path: string): void {
  const json = jsonIssues(input, path);
  if (json.length > 0) c.issues.push(...json);
  else checkStatement(c, input, path);
}

/**
 * Validates one statement as sent to PUT /statements and returns it typed. The content is unchanged
 * except what xAPI says the LRS normalizes: single `contextActivities` values become arrays. The
 * input object is not mutated.
 * @throws XapiValidationError listing every issue found.
 */
export function validateStatement(input: unknown, opts: ValidateOptions): Statement {
  const issues = statementIssues(input, opts);
  if (issues.length > 0) throw new XapiValidationError(issues);
  return normalizeStatement(input as Statement);
}

/**
 * Validates one statement or a batch (array) as sent to POST /statements. One bad statement rejects
 * the batch; issue paths are `statement` for a single statement and `statement[i]` in a batch.
 * Statements keep their order.
 * @throws XapiValidationError listing every issue found (across the whole batch).
 */
export function validateStatements(input: unknown, opts: { version: XapiVersion }): Statement[] {
  if (!Array.isArray(input)) return [validateStatement(input, { version: opts.version })];
  if (input.length === 0) {
    throw new XapiValidationError([
      {
        path: 'statement',
        rule: 'empty_batch',
        message: 'statement: the batch is empty; send at least one statement',
      },
    ]);
  }
  const c = new Checker(opts.version);
  for (let i = 0; i < input.length; i++) check(c, input[i], `statement[${i}]`);
  if (c.issues.length > 0) throw new XapiValidationError(c.issues);
  return (input as Statement[]).map(normalizeStatement);
}

/** Returns the statement with the LRS normalizations applied (a copy only where something changes). */
export function normalizeStatement(statement: Statement): Statement {
  const ctx = normalizeContext(statement.context);
  const obj = statement.object;
  let object = obj;
  if (obj.objectType === 'SubStatement') {
    const subCtx = normalizeContext(obj.context);
    if (subCtx !== obj.context) object = { ...obj, context: subCtx };
  }
  if (ctx === statement.context && object === obj) return statement;
  return { ...statement, object, context: ctx } as Statement;
}

function normalizeContext(ctx: Context | undefined): Context | undefined {
  const ca = ctx?.contextActivities as Record<string, unknown> | undefined;
  if (!ctx || !ca) return ctx;
  let changed = false;
  const next: Record<string, unknown> = {};
  for (const key in ca) {
    const v = ca[key];
    if (v !== undefined && !Array.isArray(v)) changed = true;
    next[key] = v === undefined || Array.isArray(v) ? v : [v];
  }
  return changed ? { ...ctx, contextActivities: next } : ctx;
}
