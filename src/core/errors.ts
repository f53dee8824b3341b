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
  | 'Aborted'
  | 'Timeout'
  | 'NetworkError'
  | 'CredentialsError'
  | 'ConfigurationError'
  | 'ServiceError'
  | 'InvalidPolicy'
  | 'ClientMissing'
  | 'LocalStackUnavailable'
  | 'EarlierLineFailed'
  | 'TagConflict'
  | 'InvalidIacState'
  | 'ManagedByIaC';

/** Where an error happened and what caused it. */
export interface ErrorContext {
  /** The ARN the call was about, as the caller gave it. */
  arn?: string | undefined;
  /** The ARN's service field (`sns`, `s3`, ...). */
  service?: string | undefined;
  /** The underlying error: an AWS SDK exception, or a network error. */
  cause?: unknown;
}

/** An error as reports and JSON output carry it. */
export interface ErrorJson {
  code: ErrorCode;
  message: string;
  arn?: string | undefined;
  service?: string | undefined;
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

  /** The error as plain data: what every report, plan and JSON output of unitag writes. */
  toJSON(): ErrorJson {
    return {
      code: this.code,
      message: this.message,
      ...(this.arn === undefined ? {} : { arn: this.arn }),
      ...(this.service === undefined ? {} : { service: this.service }),
    };
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
 * A rename or copy would replace a tag the resource already carries under the destination key, with another
 * value. Refused by default, for that resource alone; `onConflict: 'overwrite'` replaces it, `'keep'` keeps it.
 */
export class TagConflictError extends UnitagError {
  override name = 'TagConflictError';
  constructor(message: string, context?: ErrorContext) {
    super('TagConflict', message, context);
  }
}

/**
 * AWS (or something between unitag and AWS) answered with an empty, cut-short or foreign document. A read so
 * answered is never taken for "no tags" (nothing is written after it); a write so answered may or may not have
 * been made, and is never counted as done.
 */
export class MalformedResponseError extends UnitagError {
  override name = 'MalformedResponseError';
  constructor(message: string, context?: ErrorContext) {
    super('MalformedResponse', message, context);
  }
}

/**
 * A streamed job named the resource in an earlier window, and that write failed: this later one waits for it,
 * so that the job's lines reach the resource in file order. `--resume` does both, in order, once the cause is
 * fixed.
 */
export class EarlierLineFailedError extends UnitagError {
  override name = 'EarlierLineFailedError';
  constructor(message: string, context?: ErrorContext) {
    super('EarlierLineFailed', message, context);
  }
}

/** The caller's abort signal ended the call (or it was aborted before it started). */
export class AbortedError extends UnitagError {
  override name = 'AbortedError';
  constructor(message: string, context?: ErrorContext) {
    super('Aborted', message, context);
  }
}

/** A request got no answer in time (the connect or read timeout). */
export class TimeoutError extends UnitagError {
  override name = 'TimeoutError';
  constructor(message: string, context?: ErrorContext) {
    super('Timeout', message, context);
  }
}

/** The endpoint could not be reached: refused, not found in DNS, reset, unreachable. */
export class NetworkError extends UnitagError {
  override name = 'NetworkError';
  constructor(message: string, context?: ErrorContext) {
    super('NetworkError', message, context);
  }
}

/** No credentials could be loaded (none configured, a profile that does not exist, an expired SSO login). */
export class CredentialsError extends UnitagError {
  override name = 'CredentialsError';
  constructor(message: string, context?: ErrorContext) {
    super('CredentialsError', message, context);
  }
}

/** The configuration cannot work: no region where one is needed, an endpoint that is not a URL. */
export class ConfigurationError extends UnitagError {
  override name = 'ConfigurationError';
  constructor(message: string, context?: ErrorContext) {
    super('ConfigurationError', message, context);
  }
}

/** Any other failure reported by AWS or the network. */
export class ServiceError extends UnitagError {
  override name = 'ServiceError';
  constructor(message: string, context?: ErrorContext) {
    super('ServiceError', message, context);
  }
}

/**
 * A resource whose service's SDK client (an optional peer dependency) is not installed was read through the
 * Resource Groups Tagging API, and the answer left it out: never tagged, or not known to the API (LocalStack's
 * tagging API knows none of KMS, for one). unitag cannot tell which, so it does not read it as "no tags".
 */
export class ClientMissingError extends UnitagError {
  override name = 'ClientMissingError';
  /** The npm package that gives the service's own adapter, e.g. `@aws-sdk/client-kms`. */
  readonly packageName: string | undefined;
  constructor(message: string, context?: ErrorContext & { packageName?: string }) {
    super('ClientMissing', message, context);
    this.packageName = context?.packageName;
  }
}

/**
 * A policy document unitag was given (an IAM policy to lint, a tag policy to check against) is not JSON, not
 * that kind of policy, or names an action or key that does not exist.
 */
export class InvalidPolicyError extends UnitagError {
  override name = 'InvalidPolicyError';
  constructor(message: string, context?: ErrorContext) {
    super('InvalidPolicy', message, context);
  }
}

/**
 * An infrastructure-as-code source unitag was given (a Terraform state, a Pulumi stack export, a CloudFormation
 * template) is not readable as one: not JSON or YAML, a format version unitag does not know, a resource without
 * the fields it needs. The message names the file and what to do.
 */
export class InvalidIacStateError extends UnitagError {
  override name = 'InvalidIacStateError';
  constructor(message: string, context?: ErrorContext) {
    super('InvalidIacState', message, context);
  }
}

/**
 * `apply --iac refuse`: the line changes tags that the resource's infrastructure-as-code tool (CloudFormation,
 * Terraform, Pulumi) declares and would set back at its next run; nothing was written to the resource.
 */
export class ManagedByIaCError extends UnitagError {
  override name = 'ManagedByIaCError';
  constructor(message: string, context?: ErrorContext) {
    super('ManagedByIaC', message, context);
  }
}

/** Why `startLocalStack` could not give a LocalStack. */
export type LocalStackFailure =
  | 'python-missing'
  | 'port-in-use'
  | 'not-answering'
  | 'install-failed'
  | 'start-failed'
  | 'service-disabled';

/**
 * `startLocalStack` could not give a LocalStack: no Python 3.12+, the port taken by another program, the named
 * endpoint not answering, the install or a service failing. `reason` says which; the message says what to do.
 */
export class LocalStackError extends UnitagError {
  override name = 'LocalStackError';
  readonly reason: LocalStackFailure | undefined;
  constructor(message: string, context?: ErrorContext & { reason?: LocalStackFailure }) {
    super('LocalStackUnavailable', message, context);
    this.reason = context?.reason;
  }
}

/** True for any error thrown by unitag, even one from another copy of the package. */
export function isUnitagError(value: unknown): value is UnitagError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
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
  Aborted: AbortedError,
  Timeout: TimeoutError,
  NetworkError: NetworkError,
  CredentialsError: CredentialsError,
  ConfigurationError: ConfigurationError,
  ServiceError: ServiceError,
  InvalidPolicy: InvalidPolicyError,
  ClientMissing: ClientMissingError,
  LocalStackUnavailable: LocalStackError,
  EarlierLineFailed: EarlierLineFailedError,
  TagConflict: TagConflictError,
  InvalidIacState: InvalidIacStateError,
  ManagedByIaC: ManagedByIaCError,
};

/** Builds the error subclass that belongs to `code`. */
export function createError(code: ErrorCode, message: string, context?: ErrorContext): UnitagError {
  return new CLASSES[code](message, context);
}

/** True for a string that is one of unitag's error codes (a plan or report read back from JSON carries them). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(CLASSES, value);
}
