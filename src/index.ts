export { ABAC_EXCEPTIONS, type AbacException } from './abac-exceptions.js';
export { formatArn, PARTITIONS, type ParsedArn, parseArn } from './arn.js';
export type { BulkOptions, Progress } from './bulk.js';
export type { ClientOptions, Credentials } from './clients.js';
export {
  AbortedError,
  AccessDeniedError,
  AccountMismatchError,
  ClientMissingError,
  ConfigurationError,
  CredentialsError,
  type ErrorCode,
  type ErrorJson,
  InvalidArnError,
  InvalidPolicyError,
  InvalidTagError,
  isUnitagError,
  LocalStackError,
  type LocalStackFailure,
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
export type { Explanation } from './explain.js';
export type { FindOptions } from './find.js';
export type { FindFailure, InventoryOptions, InventoryProgress } from './inventory.js';
export type {
  PermissionRequest,
  PermissionsOptions,
  PolicyDocument,
  PolicyStatement,
} from './permissions.js';
export type { Change, Plan, PlanEntry, PlanOptions } from './plan.js';
export {
  type LintFinding,
  type LintOptions,
  type LintResult,
  type LintRuleId,
  type LintSeverity,
  lintPolicy,
} from './policy-lint.js';
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
export {
  parseTagPolicy,
  type TagKeyRule,
  type TagPolicy,
  typeListed,
  valueAllowed,
} from './tag-policy.js';
export {
  type CheckReport,
  type CheckResult,
  checkMany,
  checkResource,
  type Finding,
  type FindingKind,
  type TaggedResource,
} from './tag-policy-check.js';
export { type Fix, fitFix, fixResources, type Unfixable } from './tag-policy-fix.js';
export { createTagger, type Tagger, type TaggerOptions } from './tagger.js';
export type {
  Adapter,
  AdapterContext,
  AdapterFactory,
  AdapterInventory,
  BatchResult,
  BatchTags,
  CallOptions,
  ClientLoader,
  ClientScope,
  FindQuery,
  ListedResource,
  Permissions,
  ResourceInfo,
  TagRules,
  Tags,
  WriteOutcome,
} from './types.js';
export { DEFAULT_RULES, SAFE_CHARSET, validateKeys, validateTags } from './validate.js';
