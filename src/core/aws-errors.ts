// Where AWS errors become unitag errors: the one function (`toUnitagError`) that the engine calls for every error an
// adapter throws or reports, with what it says of requests that got no answer. The names AWS gives its errors, and
// what each means, are in aws-error-names.ts.
import {
  awsErrorName,
  classifyFailure,
  classifyThrown,
  httpStatus,
  isInvalidRequest,
  MALFORMED,
} from './aws-error-names.js';
import { createError, type ErrorCode, isUnitagError, type UnitagError } from './errors.js';

export { awsErrorName, httpStatus, isInvalidRequest, isThrottling } from './aws-error-names.js';

/** Marks a per-resource failure that AWS reported inside a successful answer (see {@link awsFailure}). */
const FAILURE = Symbol.for('unitag.aws-failure');

/** An error for an answer that is not the document `operation` defines; `toUnitagError` types it. */
export function malformed(operation: string, what: string): Error {
  return Object.assign(new Error(`AWS answered ${operation} with ${what}`), { name: MALFORMED });
}

/**
 * A failure AWS reported for one resource inside a successful answer (the tagging API's FailedResourcesMap),
 * with AWS's error code, HTTP status and message. Adapters return it; `toUnitagError` types it.
 */
export function awsFailure(code: string, status: number | undefined, message: string): Error {
  return Object.assign(new Error(`${code} (${status ?? '?'}): ${message}`.trim()), {
    name: code,
    $metadata: { httpStatusCode: status },
    [FAILURE]: true,
  });
}

/** True for an error that says its call was aborted (the SDK's, or a DOM `AbortError`). */
export function isAbortError(error: unknown): boolean {
  return (error as { name?: unknown })?.name === 'AbortError';
}

// Node's codes for an endpoint that cannot be reached.
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'EPROTO',
]);

/** Marks an error with the endpoint its request went to (see {@link markEndpoint}). */
const ENDPOINT = Symbol.for('unitag.endpoint');

/** Notes on `error` the endpoint (`protocol://host:port`) its request went to, for the message it becomes. */
export function markEndpoint(error: unknown, endpoint: string): void {
  if (typeof error !== 'object' || error === null || ENDPOINT in error) return;
  Object.defineProperty(error, ENDPOINT, { value: endpoint, configurable: true });
}

/** The endpoint `markEndpoint` noted on `error`, or '' when none was. */
export function endpointOf(error: unknown): string {
  const marked = (error as Record<symbol, unknown> | undefined)?.[ENDPOINT];
  return typeof marked === 'string' ? marked : '';
}

function isTimeout(e: { name?: unknown; code?: unknown }): boolean {
  return e?.name === 'TimeoutError' || e?.code === 'ETIMEDOUT';
}

/** True for a request that got no answer: it timed out, or no connection could be made or kept. */
export function isUnanswered(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown };
  return isTimeout(e) || (typeof e?.code === 'string' && NETWORK.has(e.code));
}

/**
 * What an unanswered request's error says of it, in a few words ("no answer from http://host:port within 1 s",
 * "ECONNREFUSED reaching http://host:port"), with the option that sets a timeout's wait, or a network error's own
 * words.
 */
export function unansweredDetail(error: unknown): { text: string; option?: string; said?: string } {
  const e = error as { code?: unknown; hostname?: unknown; address?: unknown; port?: unknown };
  const message = error instanceof Error ? error.message : String(error);
  const marked = endpointOf(error);
  if (isTimeout(error as object)) {
    const where = marked || 'the endpoint';
    // The SDK's HTTP handler names the wait in milliseconds: "... within the configured timeout of 1000 ms".
    const ms = /(\d+) ms/.exec(message)?.[1];
    const within = ms === undefined ? 'in time' : `within ${Number(ms) / 1000} s`;
    return /establish a connection|connect ETIMEDOUT/.test(message)
      ? { text: `no connection to ${where} ${within}`, option: '--connect-timeout' }
      : { text: `no answer from ${where} ${within}`, option: '--read-timeout' };
  }
  const host = e.hostname ?? (e.address === undefined ? undefined : `${e.address}:${e.port ?? ''}`);
  const where = marked || host;
  return { text: `${String(e.code)}${where ? ` reaching ${String(where)}` : ''}`, said: message };
}

/** "in each of 3 attempts": how often a request was sent (the SDK's attempts, and unitag's own). */
function attemptsText(attempts: number): string {
  return attempts === 1 ? 'in 1 attempt' : `in each of ${attempts} attempts`;
}
const ATTEMPTS_TEXT = /in (?:1 attempt|each of \d+ attempts)/;

/** The requests the SDK sent for the call that failed with `error` (its retry loop notes them). */
export function attemptsOf(error: unknown): number {
  const attempts = (error as { $metadata?: { attempts?: unknown } })?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
}

/** An unanswered request's error that counts `attempts` in all: the job-level retries' too. */
export function withAttempts(error: UnitagError, attempts: number): UnitagError {
  if (!ATTEMPTS_TEXT.test(error.message)) return error;
  const message = error.message.replace(ATTEMPTS_TEXT, attemptsText(attempts));
  return createError(error.code, message, { arn: error.arn, service: error.service, cause: error.cause });
}

/** The code of a failure that is about configuration or the network, not about AWS's answer; or undefined. */
function localFailure(error: unknown): { code: ErrorCode; detail: string; advice?: string } | undefined {
  const e = error as { name?: unknown; code?: unknown };
  const message = error instanceof Error ? error.message : String(error);
  if (isUnanswered(error)) {
    const { text, option, said } = unansweredDetail(error);
    const detail = `${text} ${attemptsText(attemptsOf(error))}${said ? `: ${said}` : ''}`;
    if (!option) return { code: 'NetworkError', detail };
    return {
      code: 'Timeout',
      detail,
      advice: `raise ${option} if the endpoint is slow rather than down; otherwise check the endpoint (--endpoint-url, AWS_ENDPOINT_URL) and the network`,
    };
  }
  if (
    e?.name === 'CredentialsProviderError' ||
    /Could not load credentials|Could not resolve credentials/.test(message)
  ) {
    const profile = process.env.AWS_PROFILE;
    return {
      code: 'CredentialsError',
      detail: profile ? `${message} (AWS_PROFILE is "${profile}")` : message,
    };
  }
  if (/Region is missing/i.test(message)) {
    return {
      code: 'ConfigurationError',
      detail: 'You must specify a region: --region, AWS_REGION, or a region in the profile',
    };
  }
  if (/Region not accepted|Invalid region/i.test(message)) {
    return { code: 'ConfigurationError', detail: `the region is not one AWS has: ${message}` };
  }
  if (e?.name === 'TypeError' && /Invalid URL/i.test(message)) {
    return {
      code: 'ConfigurationError',
      detail: `the endpoint is not a URL (AWS_ENDPOINT_URL, --endpoint-url): ${message}`,
    };
  }
  return undefined;
}

// The SDK's own parse failures (a body cut short, bytes that are not XML or JSON) carry this in their message.
function isDeserializationError(error: unknown): boolean {
  return error instanceof Error && /Deserialization error/.test(error.message);
}

// What the SDK appends to a parse failure's message (@smithy/core's deserializer middleware): it speaks to the
// SDK's caller, of a property that unitag's errors do not have.
const SDK_HINT =
  /\s*Deserialization error: to see the raw response, inspect the hidden field \{error\}\.\$response on this object\.?/g;

/** `message` without the SDK's hint about `{error}.$response`. */
function withoutSdkHint(message: string): string {
  return message.replace(SDK_HINT, '');
}

// Network errors of a connection that was never made: the request was not sent.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * True for an error after which a write may or may not have been made: no answer in time, a connection lost
 * once the request was sent, an answer cut short or unreadable, a 5xx. AWS may have applied the request before
 * its answer went wrong; only reading the resource again tells.
 */
export function isOutcomeUnknown(error: UnitagError): boolean {
  return outcomeUnknown(error.code, error.cause);
}

function outcomeUnknown(code: ErrorCode, cause: unknown): boolean {
  if (code === 'MalformedResponse' || code === 'Timeout') return true;
  if (code === 'NetworkError') return !NOT_CONNECTED.has(String((cause as { code?: unknown })?.code));
  return code === 'ServiceError' && (httpStatus(cause) ?? 0) >= 500;
}

const ADVICE: Record<ErrorCode, string> = {
  InvalidArn: 'check the ARN',
  UnsupportedResource:
    'the service, or the Resource Groups Tagging API where it served the call, does not tag this resource type (docs/reference/resources.md in the package lists what unitag tags, and how)',
  InvalidTag: 'fix the tag and try again',
  ReservedKey: 'remove keys that start with "aws:"',
  TagLimitExceeded: 'remove some tags first or tag fewer at once',
  ResourceNotFound: 'check that the resource exists in that account and region',
  AccessDenied:
    'grant the tagging permissions for this resource to the credentials in use (`unitag permissions ARN` prints the policy they need)',
  Throttled: 'retry later or lower the concurrency',
  AccountMismatch:
    'use credentials of the account the ARN names, or give credentialsForAccount for it (CLI: --profile)',
  MalformedResponse:
    'nothing was written; retry, and if it persists check any proxy between you and AWS (it is not "no tags")',
  Aborted: 'the call was cancelled by its abort signal; run it again to finish',
  Timeout:
    'no connection, or no answer, in time: check the endpoint and the network, or raise --connect-timeout / --read-timeout',
  NetworkError: 'check the endpoint (--endpoint-url, AWS_ENDPOINT_URL), the network, and any proxy',
  CredentialsError:
    'configure credentials: --profile or AWS_PROFILE naming a profile that exists, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an SSO login (aws sso login)',
  ConfigurationError: 'fix the configuration as said above; nothing was sent',
  ServiceError: 'retry; if it persists, the message above says what AWS objected to',
  InvalidPolicy: 'fix the policy document as said above',
  ClientMissing: 'install the package the message names, beside unitag, and run it again',
  LocalStackUnavailable: 'do as said above, or start LocalStack yourself and set LOCALSTACK_ENDPOINT',
  EarlierLineFailed:
    'fix the earlier failure, then run the job again with --resume: both lines apply, in order',
  TagConflict:
    'nothing was written to it; choose with --on-conflict overwrite (replace the value) or keep (leave both keys as they are), library option onConflict',
  InvalidIacState:
    'fix or regenerate the state or template the message names (terraform show -json, pulumi stack export)',
  ManagedByIaC:
    'nothing was written to it; change the tags in the infrastructure-as-code source instead, or run apply with --iac warn to write them anyway',
};

// A write whose outcome is unknown (see isOutcomeUnknown) is never said to have written nothing.
const UNKNOWN_WRITE = 'the write may or may not have been made';
const MALFORMED_WRITE_ADVICE = 'retry, and if it persists check any proxy between you and AWS';

// A ServiceError that AWS refused as invalid: unlike a failure in passing, the same request fails again.
const REFUSED_ADVICE =
  'AWS refused the request as invalid, so retrying it will not help: fix what the message above names (the ARN, a tag); if they are right, unitag sent a request AWS does not take, so please report it';

/**
 * Wraps anything an adapter threw or reported into a {@link UnitagError}, keeping the original as `cause`.
 * Errors that already are unitag errors pass through unchanged. `call` says whether the call that failed read or
 * wrote: a write whose outcome is unknown is said to be so.
 */
export function toUnitagError(
  error: unknown,
  context: { arn?: string; service?: string },
  call: 'read' | 'write' = 'read',
): UnitagError {
  if (isUnitagError(error)) {
    // A typed error raised below the engine without its ARN (the client cache's account check) gets it here, and
    // one raised without its service (a check before any call) gets that.
    const noArn = error.arn === undefined && context.arn !== undefined;
    const noService = error.service === undefined && context.service !== undefined;
    if (!noArn && !noService) return error;
    const message = noArn ? `${context.arn}: ${error.message}` : error.message;
    return createError(error.code, message, {
      arn: error.arn ?? context.arn,
      service: error.service ?? context.service,
      cause: error.cause,
    });
  }
  const where = context.arn ? ` for ${context.arn}` : '';
  const message = error instanceof Error ? error.message : String(error);
  const detail = withoutSdkHint(message);
  if (isAbortError(error)) {
    return createError('Aborted', `Aborted${where}: ${detail} (${ADVICE.Aborted})`, {
      ...context,
      cause: error,
    });
  }
  const local = localFailure(error);
  if (local) {
    const advice = adviceFor(local.code, error, call, local.advice ?? ADVICE[local.code]);
    return createError(local.code, `${local.code}${where}: ${withoutSdkHint(local.detail)} (${advice})`, {
      ...context,
      cause: error,
    });
  }
  const name = isDeserializationError(error) ? MALFORMED : awsErrorName(error);
  const status = httpStatus(error);
  const code = (error as Record<symbol, unknown>)?.[FAILURE]
    ? classifyFailure(name, status, detail)
    : deleteMarker(error, name)
      ? 'ResourceNotFound'
      : classifyThrown(name, status, detail);
  const label = code === 'MalformedResponse' ? 'Malformed answer' : name || 'Error';
  const advice = code === 'ServiceError' && isInvalidRequest(name) ? REFUSED_ADVICE : ADVICE[code];
  return createError(code, `${label}${where}: ${detail} (${adviceFor(code, error, call, advice)})`, {
    ...context,
    cause: error,
  });
}

// A failed write whose outcome is unknown says so first; a malformed answer's own advice speaks of a read
// ("nothing was written"), not of a write.
function adviceFor(code: ErrorCode, cause: unknown, call: 'read' | 'write', advice: string): string {
  if (call === 'read' || !outcomeUnknown(code, cause)) return advice;
  return `${UNKNOWN_WRITE}; ${code === 'MalformedResponse' ? MALFORMED_WRITE_ADVICE : advice}`;
}

/**
 * S3's answer for an object whose current version is a delete marker (the object was deleted, its versions kept):
 * 405 MethodNotAllowed with ResourceType DeleteMarker, which the SDK copies onto the error (docs/aws-facts.md, S3).
 */
function deleteMarker(error: unknown, name: string): boolean {
  return name === 'MethodNotAllowed' && (error as { ResourceType?: unknown }).ResourceType === 'DeleteMarker';
}
