import { GraphQLError } from 'graphql';

/**
 * The error vocabulary. Every error a client can see has a stable `extensions.code`; messages say what went
 * wrong and, for input, which field and why. Never put secrets or customer PII in a message.
 *
 * Each class also says how an agent action that ends in it is audited (`auditOutcome`), so the audit trail never
 * maps codes by comparing strings, and how it is kept with an idempotency key and given back on a retry
 * ({@link AppError.toStored} / {@link restoreError}), so a replayed error is the same error, never rebuilt by
 * cutting its message apart.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'SHOPIFY_UNAVAILABLE'
  | 'SHOPIFY_THROTTLED'
  | 'SHOPIFY_OUTCOME_UNKNOWN'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_IN_PROGRESS'
  | 'ACTION_DISABLED'
  | 'INTERNAL_SERVER_ERROR';

/** How an action attempt that ended in this error is recorded: no permission, refused input, failed, or not known. */
export type ErrorAuditOutcome = 'denied' | 'rejected' | 'failed' | 'unknown';

/** What an idempotency record keeps of an error: enough to give the same error back. */
export interface StoredError {
  code: string;
  message: string;
  /** extensions besides `code` (e.g. `field`); absent in records written before issue 10 */
  extensions?: Record<string, unknown>;
  auditOutcome?: ErrorAuditOutcome;
  /** records written before issue 10 kept only the field of a BAD_USER_INPUT */
  field?: string;
}

/** Base class: a GraphQLError with a code, optional extra extensions, and how an action ending in it is audited. */
export class AppError extends GraphQLError {
  constructor(
    code: ErrorCode,
    message: string,
    extensions: Record<string, unknown> = {},
    readonly auditOutcome: ErrorAuditOutcome = 'failed',
  ) {
    super(message, { extensions: { ...extensions, code } });
    this.name = new.target.name;
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
  /** The error as an idempotency record keeps it. */
  toStored(): StoredError {
    const { code: _code, ...extensions } = this.extensions;
    return { code: this.code, message: this.message, extensions, auditOutcome: this.auditOutcome };
  }
}

/** Bad input: names the argument/field (dotted path) and the problem. */
export class BadInputError extends AppError {
  constructor(field: string, problem: string) {
    super('BAD_USER_INPUT', `${field}: ${problem}`, { field }, 'rejected');
  }
}

/**
 * The order (or request) is not in a state that allows the action now: cancelled, already shipped, not shipped, no
 * longer pending. Not an error of the call: the action's payload carries it as a user error whose code is `reason`
 * (ORDER_CANCELLED, ORDER_FULFILLED, NOT_SHIPPED, …), the attempt is audited as rejected with that code, and, like any
 * refused input, it does not use up the idempotency key. A BadInputError, so the exactly-once runner treats it as one.
 */
export class NotPossibleNowError extends BadInputError {
  constructor(
    field: string,
    readonly reason: string,
    problem: string,
  ) {
    super(field, problem);
    // Kept in the extensions so the same refusal replayed from an idempotency record still carries its code.
    this.extensions.reason = reason;
  }
}

/** The user error a "not possible now" refusal becomes in a payload, or null for any other error (also when replayed). */
export function notPossibleUserError(error: unknown): { field: string[] | null; message: string; code: string } | null {
  if (!isAppError(error) || error.code !== 'BAD_USER_INPUT') return null;
  const { reason, field } = error.extensions;
  if (typeof reason !== 'string') return null;
  const prefix = typeof field === 'string' ? `${field}: ` : '';
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return { field: typeof field === 'string' ? field.split('.') : null, message, code: reason };
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'A valid agent token is required (Authorization: Bearer <JWT>)') {
    super('UNAUTHENTICATED', message, {}, 'denied');
  }
}

export class ForbiddenError extends AppError {
  constructor(scope: string) {
    super('FORBIDDEN', `This needs the scope "${scope}", which the agent's token does not carry`, { scope }, 'denied');
  }
}

/**
 * The agent has the scope but may not decide this refund request: it is their own (OWN_REQUEST: a second person must
 * approve), or its amount is above their own refund limit (ABOVE_LIMIT). FORBIDDEN, audited as denied.
 */
export class ApprovalForbiddenError extends AppError {
  constructor(reason: 'OWN_REQUEST' | 'ABOVE_LIMIT', message: string) {
    super('FORBIDDEN', message, { reason }, 'denied');
  }
}

/** The store has this action turned off (its `actions` in the stores file): refused before any Shopify call. */
export class ActionDisabledError extends AppError {
  // Plain strings: domain/ imports this file, so it names no domain type.
  constructor(action: string, store: string) {
    super('ACTION_DISABLED', `The store "${store}" has the ${action} action turned off`, { store, action }, 'denied');
  }
}

/** Shopify could not be reached or answered with something unusable; safe to retry later. */
export class ShopifyUnavailableError extends AppError {
  constructor(reason: string, extra: Record<string, unknown> = {}) {
    super('SHOPIFY_UNAVAILABLE', `Shopify is unavailable: ${reason}`, extra);
  }
}

/** Shopify's cost budget is exhausted and waiting longer than allowed would be needed. */
export class ShopifyThrottledError extends AppError {
  constructor(reason = "the store's API budget is exhausted; try again in a few seconds", extra: Record<string, unknown> = {}) {
    super('SHOPIFY_THROTTLED', `Shopify throttled the request: ${reason}`, extra);
  }
}

/** A mutation may or may not have happened: the caller must check Shopify before acting again. */
export class ShopifyOutcomeUnknownError extends AppError {
  constructor(operation: string, reason: string) {
    super(
      'SHOPIFY_OUTCOME_UNKNOWN',
      `${operation} was sent to Shopify but no answer came back (${reason}); retry with the same idempotency key to learn the outcome`,
      {},
      'unknown',
    );
  }
}

/** An idempotency key sent again with a different request (other input, action or agent). */
export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      'This idempotency key was already used for a different request; use a new key for a new action',
      {},
      'rejected',
    );
  }
}

/** An idempotency key whose first request has not settled yet; `retryAfterSeconds` when we know roughly when. */
export class IdempotencyInProgressError extends AppError {
  constructor(message: string, retryAfterSeconds?: number) {
    super('IDEMPOTENCY_IN_PROGRESS', message, retryAfterSeconds === undefined ? {} : { retryAfterSeconds }, 'rejected');
  }
}

/**
 * This attempt held its idempotency key past its lease and another attempt took the action over (or the lease lapsed
 * before a write): it stopped without writing over the holder's record. Whether the action happened is for the holder
 * to settle, so it is audited as unknown, and a retry with the same key replays the holder's outcome.
 */
export class IdempotencyTakenOverError extends AppError {
  constructor() {
    super(
      'IDEMPOTENCY_IN_PROGRESS',
      'This attempt outlasted its hold on the idempotency key and another attempt with the same key took the action over; retry with the same key to learn the outcome',
      {},
      'unknown',
    );
  }
}

/** Our own fault (e.g. a stored result we cannot read); the message says what, never how to exploit it. */
export class InternalError extends AppError {
  constructor(message: string) {
    super('INTERNAL_SERVER_ERROR', message);
  }
}

/** The error an idempotency record kept, given back as it was first thrown (code, message, extensions, audit). */
export function restoreError(stored: StoredError): AppError {
  const extensions = stored.extensions ?? (stored.field ? { field: stored.field } : {});
  const auditOutcome = stored.auditOutcome ?? (stored.code === 'BAD_USER_INPUT' ? 'rejected' : 'failed');
  return new AppError(stored.code as ErrorCode, stored.message, extensions, auditOutcome);
}

/**
 * The error as one store's: its extensions name the store (`extensions.store`), so a client reading several stores
 * knows which one failed. Errors that are not ours (bugs) are left as they are: they are masked anyway.
 */
export function inStore(error: Error, store: string): Error {
  if (!isAppError(error) || error.extensions.store === store) return error;
  const { code: _code, ...extensions } = error.extensions;
  return new AppError(error.code, error.message, { ...extensions, store }, error.auditOutcome);
}

/** True when an unknown error is one of ours (safe to show as is). */
export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
