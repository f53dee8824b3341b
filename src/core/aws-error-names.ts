// The names AWS services give their errors, grouped by what they mean, and the classification of a name (with its
// HTTP status, and for some names its message) into a unitag error code.
import type { ErrorCode } from './errors.js';

// Error names as the SDK reports them, per meaning (each service's API reference lists its errors).
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
  // Systems Manager: the name or id names no resource of that type.
  'InvalidResourceId',
  // AWS Organizations: no account, OU, root or policy has that id (a tag call), or no parent, OU or child.
  'TargetNotFoundException',
  'ParentNotFoundException',
  'OrganizationalUnitNotFoundException',
  'ChildNotFoundException',
]);
// The credentials act in an account that cannot act on the resource the ARN names. AWS Organizations: they are of
// an account in no organization, not of the management account that the ARN names.
const WRONG_ACCOUNT = new Set(['AWSOrganizationsNotInUseException']);
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
  // Systems Manager: another update of the same resource is under way; it is to be tried again later.
  'TooManyUpdates',
  // Kinesis (over 5 tagging calls a second per account), DynamoDB (too many table operations at once): the SDK,
  // too, retries it as throttling. (A quota of tags under the same name is told apart by its message.)
  'LimitExceededException',
]);
const TAG_LIMIT = new Set([
  'TagLimitExceeded',
  'TagLimitExceededException',
  'TooManyTagsException',
  'TooManyTagsError',
  // Step Functions.
  'TooManyTags',
]);
const INVALID_TAG = new Set([
  'InvalidTag',
  'InvalidTagException',
  // KMS: a tag key or value it refuses.
  'TagException',
  'StaleTag',
  'TagPolicy',
  'TagPolicyException',
]);
// Names AWS gives a request it refused as invalid (a parameter, its form, a value it does not take): the same
// request is refused again, so it is never retried. EC2 names a malformed id `Invalid<Thing>.Malformed`.
const INVALID_REQUEST = new Set([
  'ValidationException',
  'ValidationError',
  'InvalidArgumentException',
  'InvalidParameter',
  'InvalidParameterException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'InvalidParameterCombination',
  'InvalidInput',
  'InvalidInputException',
  'InvalidRequest',
  'InvalidRequestException',
  'MissingParameter',
  'SerializationException',
]);
// Words of a refusal about the tags themselves: "Tag key must ...", "Value at 'tags' failed to satisfy ...". Not
// "TagResource", nor a name such as "tag-stream".
const ABOUT_TAGS = /(?<![\w-])(?:tags|tag[ _-]?keys?|tag[ _-]?values?)(?![\w-])/i;

/** The name unitag gives an answer that is not the document its API defines (see `malformed` in aws-errors.ts). */
export const MALFORMED = 'UnitagMalformedResponse';

/** The error's name as AWS reports it: SDK exceptions use `name`, some carry `Code` or `code`. */
export function awsErrorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  for (const candidate of [e.Code, e.code, e.name]) {
    if (typeof candidate === 'string' && candidate !== 'Error' && candidate !== '') return candidate;
  }
  return '';
}

/** The HTTP status of an SDK error, when it has one. */
export function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** Classifies an AWS error name (and HTTP status) into a unitag code. */
function classifyAwsError(name: string, status?: number): ErrorCode {
  if (name === MALFORMED) return 'MalformedResponse';
  if (NOT_FOUND.has(name) || /\.?NotFound$/.test(name)) return 'ResourceNotFound';
  if (WRONG_ACCOUNT.has(name)) return 'AccountMismatch';
  if (ACCESS_DENIED.has(name) || status === 403) return 'AccessDenied';
  if (THROTTLED.has(name) || status === 429) return 'Throttled';
  if (TAG_LIMIT.has(name)) return 'TagLimitExceeded';
  if (INVALID_TAG.has(name)) return 'InvalidTag';
  return 'ServiceError';
}

/**
 * The code of an error AWS threw: a quota by its message (see {@link classifyLimit}), an invalid request about a
 * tag, else by name and status.
 */
export function classifyThrown(name: string, status: number | undefined, message: string): ErrorCode {
  return (
    classifyCount(name, message) ??
    classifyLimit(name, message) ??
    classifyReason(name, message) ??
    classifyInvalid(name, message) ??
    classifyAwsError(name, status)
  );
}

// AWS Organizations gives the cause of a refusal as the error's Reason, which adapters/organizations.ts adds to
// the message: too many tags on the resource, or a tag refused (by a tag policy, as repeated, as reserved).
const REASONS: readonly [RegExp, ErrorCode][] = [
  [/\bMAX_TAG_LIMIT_EXCEEDED\b/, 'TagLimitExceeded'],
  [/\b(?:TAG_POLICY_VIOLATION|DUPLICATE_TAG_KEY|INVALID_SYSTEM_TAGS_PARAMETER)\b/, 'InvalidTag'],
];

function classifyReason(name: string, message: string): ErrorCode | undefined {
  if (name !== 'ConstraintViolationException' && name !== 'InvalidInputException') return undefined;
  return REASONS.find(([reason]) => reason.test(message))?.[1];
}

/**
 * The code of a per-resource failure AWS reported inside a successful answer: the tagging API's failures name their
 * cause in the message as often as in the code.
 */
export function classifyFailure(name: string, status: number | undefined, message: string): ErrorCode {
  if (/not (yet )?supported|unsupported/i.test(message)) return 'UnsupportedResource';
  const code =
    classifyCount(name, message) ?? classifyInvalid(name, message) ?? classifyAwsError(name, status);
  if (code !== 'ServiceError') return code;
  if (/access ?denied|not authorized/i.test(`${name} ${message}`)) return 'AccessDenied';
  if (status === 404 || /not found|does not exist/i.test(message)) return 'ResourceNotFound';
  return code;
}

/**
 * `LimitExceeded(Exception)` means a quota: of tags where the message speaks of tags (IAM's "Cannot exceed quota
 * for TagsPerUser", KMS), which no retry can help; of calls otherwise (Kinesis, DynamoDB), which is throttling.
 */
function classifyLimit(name: string, message: string): ErrorCode | undefined {
  if (name !== 'LimitExceededException' && name !== 'LimitExceeded') return undefined;
  return /tag/i.test(message) ? 'TagLimitExceeded' : 'Throttled';
}

// What AWS says when a resource would carry more tags than it may, whatever it names the refusal: Lambda's
// InvalidParameterValueException "Number of tags exceeds resource tag limit.", KMS's TagException "Too many tags",
// S3's "Bucket tag count cannot be greater than 50" and "Object tags cannot be greater than 10", Kinesis's "... cannot have more than 50 tags ...", SNS's
// "tag quota of per resource exceeded" (docs/aws-facts.md, Tag limits).
const TAG_COUNT =
  /\btoo many tags\b|\bnumber of tags exceeds\b|\btag (?:count|limit|quota)\b|\bmore than \d+ tags\b|\bmaximum number of tags\b|\btags cannot (?:be greater than|exceed) \d+/i;

/**
 * A refusal because of the number of tags: a request refused as invalid, or a tag refused, whose message speaks
 * of the count (a quota by its name is left to the names).
 */
function classifyCount(name: string, message: string): ErrorCode | undefined {
  const refusal = isInvalidRequest(name) || INVALID_TAG.has(name) || name === 'BadRequest';
  return refusal && TAG_COUNT.test(message.replace(/arn:[^\s'"]*/g, '')) ? 'TagLimitExceeded' : undefined;
}

/** True for an error name that says AWS refused the request as invalid: retrying the same request cannot help. */
export function isInvalidRequest(name: string): boolean {
  return INVALID_REQUEST.has(name) || /\.Malformed$/.test(name);
}

// A request refused as invalid because of a tag it carries is an invalid tag (ARNs are left out of the look).
function classifyInvalid(name: string, message: string): ErrorCode | undefined {
  if (!isInvalidRequest(name)) return undefined;
  return ABOUT_TAGS.test(message.replace(/arn:[^\s'"]*/g, '')) ? 'InvalidTag' : undefined;
}

/** True for AWS's throttling error names, or HTTP 429: what an adapter may retry itself. */
export function isThrottling(name: string, status?: number): boolean {
  return classifyAwsError(name, status) === 'Throttled';
}
