/** Machine-readable error codes. Every error unitag throws carries one. */
export type ErrorCode =
  | 'InvalidArn'
  | 'UnsupportedResource'
  | 'InvalidTag'
  | 'ReservedKey'
  | 'TagLimitExceeded'
  | 'ResourceNotFound'
  | 'AccessDenied'
  | 'Throttled'
  | 'AccountMismatch'
  | 'MalformedResponse'
  | 'ServiceError';

/** Where an error happened and what caused it. */
export interface ErrorContext {
  /** The ARN the call was about, as the caller gave it. */
  arn?: string | undefined;
  /** The ARN's service field (`sns`, `s3`, ...). */
  service?: string | undefined;
  /** The underlying error: an AWS SDK exception, or a network error. */
  cause?: unknown;
}

const brand = Symbol.for('unitag.error');

/**
 * Base class of every error unitag throws. Check `code` rather than the class when the error may come from
 * another copy of the package; {@link isUnitagError} works across copies and realms.
 */
export class UnitagError extends Error {
  override name = 'UnitagError';
  readonly code: ErrorCode;
  readonly arn: string | undefined;
  readonly service: string | undefined;
  readonly [brand] = true;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.code = code;
    this.arn = context.arn;
    this.service = context.service;
  }

  /** A plain object for reports and JSON output. */
  toJSON(): { code: ErrorCode; message: string; arn?: string; service?: string } {
    return { code: this.code, message: this.message, arn: this.arn, service: this.service };
  }
}

/** The string is not an ARN unitag can read. */
export class InvalidArnError extends UnitagError {
  override name = 'InvalidArnError';
  constructor(message: string, context?: ErrorContext) {
    super('InvalidArn', message, context);
  }
}

/** The resource exists in AWS terms but cannot be tagged through unitag (or at all). */
export class UnsupportedResourceError extends UnitagError {
  override name = 'UnsupportedResourceError';
  constructor(message: string, context?: ErrorContext) {
    super('UnsupportedResource', message, context);
  }
}

/** A key or value breaks the service's rules (length, characters, duplicates). */
export class InvalidTagError extends UnitagError {
  override name = 'InvalidTagError';
  constructor(message: string, context?: ErrorContext) {
    super('InvalidTag', message, context);
  }
}

/** A key uses the reserved `aws:` prefix. */
export class ReservedKeyError extends UnitagError {
  override name = 'ReservedKeyError';
  constructor(message: string, context?: ErrorContext) {
    super('ReservedKey', message, context);
  }
}

/** The request, or the resource's resulting tag set, holds more tags than the service allows. */
export class TagLimitExceededError extends UnitagError {
  override name = 'TagLimitExceededError';
  constructor(message: string, context?: ErrorContext) {
    super('TagLimitExceeded', message, context);
  }
}

/** The resource (or the version named) does not exist. */
export class ResourceNotFoundError extends UnitagError {
  override name = 'ResourceNotFoundError';
  constructor(message: string, context?: ErrorContext) {
    super('ResourceNotFound', message, context);
  }
}

/** The credentials in use may not do this. */
export class AccessDeniedError extends UnitagError {
  override name = 'AccessDeniedError';
  constructor(message: string, context?: ErrorContext) {
    super('AccessDenied', message, context);
  }
}

/** AWS kept throttling the call after the SDK's retries. */
export class ThrottledError extends UnitagError {
  override name = 'ThrottledError';
  constructor(message: string, context?: ErrorContext) {
    super('Throttled', message, context);
  }
}

/**
 * The ARN names another account than the one the credentials act in, for a service that names resources
 * without their account (IAM, EC2): acting on it would change a resource of the caller's own account.
 */
export class AccountMismatchError extends UnitagError {
  override name = 'AccountMismatchError';
  constructor(message: string, context?: ErrorContext) {
    super('AccountMismatch', message, context);
  }
}

/**
 * AWS (or something between unitag and AWS) answered a tag read with an empty, cut-short or foreign document.
 * unitag never takes such an answer for "no tags", so nothing was written.
 */
export class MalformedResponseError extends UnitagError {
  override name = 'MalformedResponseError';
  constructor(message: string, context?: ErrorContext) {
    super('MalformedResponse', message, context);
  }
}

/** Any other failure reported by AWS or the network. */
export class ServiceError extends UnitagError {
  override name = 'ServiceError';
  constructor(message: string, context?: ErrorContext) {
    super('ServiceError', message, context);
  }
}

/** True for any error thrown by unitag, even one from another copy of the package. */
export function isUnitagError(value: unknown): value is UnitagError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

// Error names, as the SDK reports them, per meaning (each service's API reference; the SDK's retry rules).
const NOT_FOUND = new Set([
  'ResourceNotFound',
  'ResourceNotFoundException',
  'NotFound',
  'NotFoundException',
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'NoSuchBucket',
  'NoSuchKey',
  'NoSuchVersion',
  'NoSuchEntity',
  'NoSuchEntityException',
]);
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'AuthorizationErrorException',
  'UnauthorizedOperation',
  'Forbidden',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'Throttled',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
]);
const TAG_LIMIT = new Set(['TagLimitExceeded', 'TagLimitExceededException', 'TooManyTagsException']);
const INVALID_TAG = new Set([
  'InvalidTag',
  'InvalidTagException',
  'StaleTag',
  'TagPolicy',
  'TagPolicyException',
]);

/** The error's name as AWS reports it: SDK exceptions use `name`, some carry `Code` or `code`. */
export function awsErrorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  for (const candidate of [e.Code, e.code, e.name]) {
    if (typeof candidate === 'string' && candidate !== 'Error' && candidate !== '') return candidate;
  }
  return '';
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** Classifies an AWS error name (and HTTP status) into a unitag code. */
export function classifyAwsError(name: string, status?: number): ErrorCode {
  if (name === MALFORMED) return 'MalformedResponse';
  if (NOT_FOUND.has(name) || /\.?NotFound$/.test(name)) return 'ResourceNotFound';
  if (ACCESS_DENIED.has(name) || status === 403) return 'AccessDenied';
  if (THROTTLED.has(name) || status === 429) return 'Throttled';
  if (TAG_LIMIT.has(name)) return 'TagLimitExceeded';
  if (INVALID_TAG.has(name)) return 'InvalidTag';
  return 'ServiceError';
}

/**
 * The error name unitag gives an answer that is not the document the API defines (see `malformed`), so that it
 * becomes a `MalformedResponse` wherever AWS errors become unitag errors.
 */
const MALFORMED = 'UnitagMalformedResponse';

/** An error for an answer that is not the document `operation` defines; `toUnitagError` types it. */
export function malformed(operation: string, what: string): Error {
  return Object.assign(new Error(`AWS answered ${operation} with ${what}`), { name: MALFORMED });
}

// The SDK's own parse failures (a body cut short, bytes that are not XML or JSON) carry this in their message.
function isDeserializationError(error: unknown): boolean {
  return error instanceof Error && /Deserialization error/.test(error.message);
}

const ADVICE: Record<ErrorCode, string> = {
  InvalidArn: 'check the ARN',
  UnsupportedResource: 'this resource type cannot be tagged through unitag',
  InvalidTag: 'fix the tag and try again',
  ReservedKey: 'remove keys that start with "aws:"',
  TagLimitExceeded: 'remove some tags first or tag fewer at once',
  ResourceNotFound: 'check that the resource exists in that account and region',
  AccessDenied: 'grant the tagging permissions for this resource to the credentials in use',
  Throttled: 'retry later or lower the concurrency',
  AccountMismatch:
    'use credentials of the account the ARN names, or give credentialsForAccount for it (CLI: --profile)',
  MalformedResponse:
    'nothing was written; retry, and if it persists check any proxy between you and AWS (it is not "no tags")',
  ServiceError: 'retry; if it persists, the message above says what AWS objected to',
};

/**
 * Wraps anything thrown by an AWS call into a {@link UnitagError}, keeping the original as `cause`.
 * Errors that already are unitag errors pass through unchanged.
 */
export function toUnitagError(error: unknown, context: { arn?: string; service?: string }): UnitagError {
  if (isUnitagError(error)) return error;
  const name = isDeserializationError(error) ? MALFORMED : awsErrorName(error);
  const code = classifyAwsError(name, httpStatus(error));
  const detail = error instanceof Error ? error.message : String(error);
  const where = context.arn ? ` for ${context.arn}` : '';
  const label = code === 'MalformedResponse' ? 'Malformed answer' : name || 'Error';
  const message = `${label}${where}: ${detail} (${ADVICE[code]})`;
  return createError(code, message, { ...context, cause: error });
}

const CLASSES: Record<ErrorCode, new (message: string, context?: ErrorContext) => UnitagError> = {
  InvalidArn: InvalidArnError,
  UnsupportedResource: UnsupportedResourceError,
  InvalidTag: InvalidTagError,
  ReservedKey: ReservedKeyError,
  TagLimitExceeded: TagLimitExceededError,
  ResourceNotFound: ResourceNotFoundError,
  AccessDenied: AccessDeniedError,
  Throttled: ThrottledError,
  AccountMismatch: AccountMismatchError,
  MalformedResponse: MalformedResponseError,
  ServiceError: ServiceError,
};

/** Builds the error subclass that belongs to `code`. */
export function createError(code: ErrorCode, message: string, context?: ErrorContext): UnitagError {
  return new CLASSES[code](message, context);
}
