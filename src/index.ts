export { formatArn, PARTITIONS, type ParsedArn, parseArn } from './arn.js';
export type { BulkOptions, Progress } from './bulk.js';
export type { ClientOptions, Credentials } from './clients.js';
export {
  AbortedError,
  AccessDeniedError,
  AccountMismatchError,
  ConfigurationError,
  CredentialsError,
  type ErrorCode,
  type ErrorJson,
  InvalidArnError,
  InvalidTagError,
  isUnitagError,
  MalformedResponseError,
  NetworkError,
  ReservedKeyError,
  ResourceNotFoundError,
  ServiceError,
  TagLimitExceededError,
  ThrottledError,
  TimeoutError,
  UnitagError,
  UnsupportedResourceError,
} from './errors.js';
export type { FindOptions } from './find.js';
export type { Change, Plan, PlanEntry, PlanOptions } from './plan.js';
export { createRegistry, dispatch, type Registry } from './registry.js';
export {
  type BulkReport,
  doneArns,
  type Outcome,
  type ReadReport,
  type ReadResult,
  type ReportJson,
  type ResourceResult,
  reportToJson,
  type Totals,
  type WriteResult,
} from './report.js';
export { createTagger, type Tagger, type TaggerOptions } from './tagger.js';
export type {
  Adapter,
  AdapterContext,
  AdapterFactory,
  BatchResult,
  BatchTags,
  CallOptions,
  ClientLoader,
  ClientScope,
  FindQuery,
  ResourceInfo,
  TagRules,
  Tags,
  WriteOutcome,
} from './types.js';
export { DEFAULT_RULES, SAFE_CHARSET, validateKeys, validateTags } from './validate.js';
