export type { FindQuery } from '../adapters/tagging-api.js';
export { formatArn, PARTITIONS, type ParsedArn, parseArn } from './arn.js';
export {
  type BulkOptions,
  type BulkReport,
  doneArns,
  type Outcome,
  type Progress,
  type ReportJson,
  type ResourceResult,
  reportToJson,
  type Totals,
} from './bulk.js';
export type { ClientOptions, Credentials } from './clients.js';
export {
  AccessDeniedError,
  AccountMismatchError,
  type ErrorCode,
  InvalidArnError,
  InvalidTagError,
  isUnitagError,
  MalformedResponseError,
  ReservedKeyError,
  ResourceNotFoundError,
  ServiceError,
  TagLimitExceededError,
  ThrottledError,
  UnitagError,
  UnsupportedResourceError,
} from './errors.js';
export type { Change, Plan, PlanEntry } from './plan.js';
export { createRegistry, dispatch, type Registry } from './registry.js';
export { createTagger, type Tagger, type TaggerOptions } from './tagger.js';
export type {
  Adapter,
  AdapterContext,
  AdapterFactory,
  CallOptions,
  ClientLoader,
  ResourceInfo,
  TagRules,
  Tags,
  WriteOutcome,
} from './types.js';
export { DEFAULT_RULES, SAFE_CHARSET, validateKeys, validateTags } from './validate.js';
