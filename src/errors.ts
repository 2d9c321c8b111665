import { GraphQLError } from 'graphql';

/**
 * The error vocabulary. Every error a client can see has a stable `extensions.code`; messages say what went
 * wrong and, for input, which field and why. Never put secrets or customer PII in a message.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'SHOPIFY_UNAVAILABLE'
  | 'SHOPIFY_THROTTLED'
  | 'SHOPIFY_OUTCOME_UNKNOWN'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_IN_PROGRESS'
  | 'INTERNAL_SERVER_ERROR';

/** Base class: a GraphQLError with a code and optional extra extensions. */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = new.target.name;
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

/** Bad input: names the argument/field (dotted path) and the problem. */
export class BadInputError extends AppError {
  constructor(field: string, problem: string) {
    super('BAD_USER_INPUT', `${field}: ${problem}`, { field });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'A valid agent token is required (Authorization: Bearer <JWT>)') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(scope: string) {
    super('FORBIDDEN', `This needs the scope "${scope}", which the agent's token does not carry`, { scope });
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} was not found`);
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
  constructor(reason = 'the store\'s API budget is exhausted; try again in a few seconds', extra: Record<string, unknown> = {}) {
    super('SHOPIFY_THROTTLED', `Shopify throttled the request: ${reason}`, extra);
  }
}

/** True when an unknown error is one of ours (safe to show as is). */
export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
