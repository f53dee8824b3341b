import { adaptersArgument, isPlainObject, optional, refuse } from './core/arguments.js';
import { type ParsedArn, parsedArnArgument } from './core/arn.js';
import { ConfigurationError } from './core/errors.js';
import { createRegistry as buildRegistry, type Registry, dispatch as route } from './core/registry.js';
import type { Adapter, ResourceInfo } from './core/types.js';
import { bulkReportArgument, reportArgument } from './jobs/arguments.js';
import {
  type BulkReport,
  type Command,
  type JobIdentity,
  type OutputJson,
  type ReportJson,
  doneArns as readDoneArns,
  reportToJson as toReportJson,
} from './jobs/report.js';

export { formatArn, PARTITIONS, type ParsedArn, parseArn } from './core/arn.js';
export type { ClientOptions, Credentials } from './core/clients.js';
export {
  AbortedError,
  AccessDeniedError,
  AccountMismatchError,
  ClientMissingError,
  ConfigurationError,
  CredentialsError,
  EarlierLineFailedError,
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
} from './core/errors.js';
export type { Registry } from './core/registry.js';
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
} from './core/types.js';
export { DEFAULT_RULES, SAFE_CHARSET, validateKeys, validateTags } from './core/validate.js';
export { ABAC_EXCEPTIONS, type AbacException } from './governance/abac-exceptions.js';
export type { Explanation } from './governance/explain.js';
export type {
  PermissionRequest,
  PermissionsOptions,
  PolicyDocument,
  PolicyStatement,
} from './governance/permissions.js';
export {
  type LintFinding,
  type LintOptions,
  type LintResult,
  type LintRuleId,
  type LintSeverity,
  lintPolicy,
} from './governance/policy-lint.js';
export {
  parseTagPolicy,
  type TagKeyRule,
  type TagPolicy,
  typeListed,
  valueAllowed,
} from './governance/tag-policy.js';
export {
  type CheckReport,
  type CheckResult,
  checkMany,
  checkResource,
  type Finding,
  type FindingKind,
  type TaggedResource,
} from './governance/tag-policy-check.js';
export { type Fix, fitFix, fixResources, type Unfixable } from './governance/tag-policy-fix.js';
export type { BulkOptions, Progress } from './jobs/bulk.js';
export type { FindOptions } from './jobs/find.js';
export type { FindFailure, InventoryOptions, InventoryProgress } from './jobs/inventory.js';
export type { Change, Plan, PlanEntry, PlanOptions } from './jobs/plan.js';
export type {
  BulkReport,
  Outcome,
  ReadReport,
  ReadResult,
  ReportJson,
  ResourceResult,
  Totals,
  WriteResult,
} from './jobs/report.js';
export { createTagger, type Tagger, type TaggerOptions } from './tagger.js';

// These entries check their arguments here, at the package's edge: their modules also serve the engine, which
// hands them values it has checked already.

/**
 * The registry of the built-in adapters, with `extra` adapters added or replacing built-in ones. Throws
 * `ConfigurationError` when `extra` is not an array of adapters.
 */
export function createRegistry(extra: Adapter[] = []): Registry {
  return buildRegistry(adaptersArgument(extra, 'createRegistry: extra'));
}

/**
 * Picks the adapter for a parsed ARN: the service's own adapter, else the tagging-API fallback (see the
 * registry). No AWS call. Throws `InvalidArn` when `arn` is not a `parseArn` value, `ConfigurationError` when
 * `registry` is not a `createRegistry` value, and `UnsupportedResource` when no adapter can tag the resource.
 */
export function dispatch(
  arn: ParsedArn,
  registry: Registry,
  onMissing?: (adapter: Adapter) => void,
): { adapter: Adapter; info: ResourceInfo } {
  parsedArnArgument(arn, 'dispatch: arn');
  const { adapters, fallback } = (isPlainObject(registry) ? registry : {}) as Partial<Registry>;
  const own: unknown = typeof adapters?.get === 'function' ? adapters.get(arn.service) : undefined;
  const adapter = (value: unknown) => typeof (value as Partial<Adapter> | null)?.describe === 'function';
  if (typeof adapters?.get !== 'function' || !adapter(fallback) || (own !== undefined && !adapter(own))) {
    refuse(ConfigurationError, 'dispatch: registry', 'a registry from createRegistry()', registry);
  }
  optional.callback(onMissing, 'dispatch: onMissing');
  return route(arn, registry, onMissing);
}

/** ARNs a report says are done (`changed` or `unchanged`), every version of them done for an S3 object. */
export function doneArns(report: BulkReport | ReportJson | undefined): Set<string> {
  return readDoneArns(report === undefined ? report : reportArgument(report, 'doneArns: report'));
}

const COMMANDS: Readonly<Record<Command, true>> = {
  tag: true,
  untag: true,
  list: true,
  find: true,
  plan: true,
  apply: true,
  check: true,
};

/** A write report in the JSON shape of every command; errors as their `toJSON()`. */
export function reportToJson(report: BulkReport, command: Command = 'apply', job?: JobIdentity): OutputJson {
  bulkReportArgument(report, 'reportToJson: report');
  if (typeof command !== 'string' || !Object.hasOwn(COMMANDS, command)) {
    refuse(
      ConfigurationError,
      'reportToJson: command',
      `one of ${Object.keys(COMMANDS).join(', ')}`,
      command,
    );
  }
  if (job !== undefined && !(isPlainObject(job) && typeof job.fingerprint === 'string')) {
    refuse(
      ConfigurationError,
      'reportToJson: job',
      "the job's identity { fingerprint, account?, region?, endpoint? }",
      job,
    );
  }
  return toReportJson(report, command, job);
}
