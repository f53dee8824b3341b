import {
  arnArgument,
  arnsArgument,
  CALL_OPTIONS,
  keysArgument,
  optional,
  optionsArgument,
  permissionRequestsArgument,
  queryArgument,
  tagsArgument,
} from './core/arguments.js';
import { arnService, partitionOfRegion } from './core/arn.js';
import { toUnitagError } from './core/aws-errors.js';
import { Engine, type EngineOptions } from './core/engine.js';
import { isUnitagError, type UnitagError } from './core/errors.js';
import { taggerOptionsArgument } from './core/tagger-options.js';
import { TaggingApiPolicy } from './core/tagging-api-policy.js';
import type { CallOptions, FindQuery, Tags, WriteOutcome } from './core/types.js';
import { validateWrite } from './core/validate.js';
// Governance is loaded when first asked for: a command that only tags or lists does not load it.
import type { Explanation } from './governance/explain.js';
import type { PermissionRequest, PermissionsOptions, PolicyDocument } from './governance/permissions.js';
import type { TagPolicy } from './governance/tag-policy.js';
import type { TagPolicyCallOptions } from './governance/tag-policy-organizations.js';
import {
  BULK_OPTIONS,
  changeArgument,
  changesArgument,
  FIND_OPTIONS,
  PLAN_OPTIONS,
  planArgument,
} from './jobs/arguments.js';
import type { BulkOptions, BulkSettings } from './jobs/bulk.js';
import { listMany, prepareReads } from './jobs/bulk-read.js';
import { prepareWrites, writeMany } from './jobs/bulk-write.js';
import { type FindOptions, type FoundResource, find } from './jobs/find.js';
import type { TagReader } from './jobs/inventory.js';
import { apply, type Plan, type PlanOptions, plan } from './jobs/plan.js';
import type { Change, OnConflict } from './jobs/plan-change.js';
import { checkOne } from './jobs/plan-read.js';
import type { BulkReport, ReadReport, ReadResult } from './jobs/report.js';

/** Options of {@link createTagger}. All optional: the SDK's own configuration chain fills what is missing. */
export interface TaggerOptions extends EngineOptions {
  /** How many calls bulk operations run at once. Default 16. */
  concurrency?: number | undefined;
  /**
   * Bulk writes for the types the Resource Groups Tagging API also tags (SNS topics, SQS queues, Lambda
   * functions, S3 buckets) go through it first (20 ARNs a call), falling back per ARN to the service's own
   * operations where it refuses. Default true.
   */
  preferTaggingApi?: boolean | undefined;
  /** The partition `find` searches. Default: the one its regions (or `region`) belong to, else `aws`. */
  partition?: string | undefined;
  /**
   * Milliseconds during which a resource (or batch) of a bulk operation that ends throttled or failed in passing
   * (5xx) after the SDK's attempts is tried again, with backoff, counted from its first failure. Default 300,000
   * (five minutes); 0 retries nothing beyond the SDK. A request that got no answer (timeout, network error) is
   * sent at most 3 times in all, the SDK's attempts counted, within this budget.
   */
  retryFor?: number | undefined;
  /**
   * A plan's rename or copy onto a key the resource already carries with another value: `fail` (default) fails
   * that resource with `TagConflict`, `overwrite` replaces the value, `keep` leaves both keys. `plan`'s own
   * `onConflict` wins over it.
   */
  onConflict?: OnConflict | undefined;
}

/**
 * Tags, untags and lists AWS resources by ARN, whatever the service. Every method checks the shapes of its
 * arguments first, for JavaScript callers and JSON input: one of the wrong shape is a `UnitagError` naming the
 * field (`InvalidArn`, `InvalidTag`, `ConfigurationError`), thrown (by the async methods, rejected) before any
 * AWS call.
 */
export interface Tagger {
  /**
   * Adds or overwrites the named tags; every other tag on the resource stays as it is, and says what it did
   * (`unchanged` where the tags were read and already as asked: S3, IAM). An empty map makes no call. Invalid input throws a `UnitagError` (`InvalidArn`, `InvalidTag`, `ReservedKey`,
   * `TagLimitExceeded`, `UnsupportedResource`) before any AWS call.
   *
   * @example
   * await tagger.tag('arn:aws:sns:us-east-1:123456789012:orders', { project: 'QuarkEagle', stage: 'beta' });
   */
  tag(arn: string, tags: Tags, options?: CallOptions): Promise<WriteOutcome>;
  /**
   * Removes the named keys; a key the resource does not carry is not an error. Says what it did. An empty list
   * makes no call.
   *
   * @example
   * await tagger.untag('arn:aws:sns:us-east-1:123456789012:orders', ['stage']);
   */
  untag(arn: string, keys: string[], options?: CallOptions): Promise<WriteOutcome>;
  /**
   * The resource's tags as an object without a prototype (`{}` when it has none). A failed read throws; it is
   * never reported as "no tags".
   *
   * @example
   * const tags = await tagger.list('arn:aws:sns:us-east-1:123456789012:orders'); // { project: 'QuarkEagle' }
   */
  list(arn: string, options?: CallOptions): Promise<Tags>;
  /**
   * Adds or overwrites `tags` on every resource, batching where AWS allows. Never throws for one resource:
   * each gets a line in the report (`changed`, `unchanged` where the tags were read anyway, `failed`).
   *
   * @example
   * const report = await tagger.tagMany(arns, { owner: 'platform' }, { onProgress: (p) => console.log(p.done) });
   * for (const r of report.results) if (r.outcome === 'failed') console.error(r.arn, r.error?.code);
   */
  tagMany(arns: string[], tags: Tags, options?: BulkOptions): Promise<BulkReport>;
  /** Removes `keys` from every resource; a report line per resource. */
  untagMany(arns: string[], keys: string[], options?: BulkOptions): Promise<BulkReport>;
  /** Reads the tags of every resource (`tags` on each `read` line), batching where AWS allows. */
  listMany(arns: string[], options?: BulkOptions<ReadResult>): Promise<ReadReport>;
  /**
   * Reads the current tags and returns, per resource, `before` and `after` and the writes `apply` would make.
   * Makes no write: a plan not applied is a dry run.
   *
   * @example
   * const p = await tagger.plan([{ arn, rename: { Team: 'team' }, setIfAbsent: { owner: 'platform' } }]);
   * const report = await tagger.apply(p);
   */
  plan(changes: Change[], options?: PlanOptions): Promise<Plan>;
  /** Makes exactly the writes the plan lists. */
  apply(plan: Plan, options?: BulkOptions): Promise<BulkReport>;
  /**
   * Tagged resources matching tag filters, through GetResources. It cannot see resources that were never
   * tagged, nor IAM users and roles. With `missing` or `untagged` it lists resources with each service's own
   * calls instead (SNS, SQS, S3, EC2, IAM, Lambda) and yields those that lack a key (or every user tag); with
   * `all`, every resource they list. Across the accounts of `query.accounts` (default: the accounts file's), side
   * by side, each resource with its account. `options.onFailure` hears of each account, region, listing or
   * resource that failed, and the search goes on (without it, the first is thrown at the end).
   *
   * @example
   * for await (const { arn, tags } of tagger.find({ tags: { team: 'payments' }, regions: ['eu-west-1'] })) {}
   * for await (const { arn } of tagger.find({ missing: ['owner'] }, { onFailure: (f) => console.error(f.error) })) {}
   */
  find(query?: FindQuery, options?: FindOptions): AsyncIterable<FoundResource>;
  /**
   * What is wrong with one change of a plan, found with no AWS call: its shape (a change that is not an object,
   * a field of the wrong type or one a change does not have), its ARN (and its copy source's), its keys and values
   * against the resource's rules. `undefined` when it would be planned. Returned, never thrown.
   */
  check(change: Change): UnitagError | undefined;
  /**
   * How unitag tags one resource and how AWS's ABAC treats it: the IAM actions its calls need, the condition
   * keys that govern it, its key rules and the documented exceptions. No AWS call; invalid ARNs throw.
   *
   * @example
   * const e = await tagger.explain('arn:aws:s3:::logs/2026/app.log'); // e.abac.resourceKeys: s3:ExistingObjectTag/<key>, ...
   */
  explain(arn: string): Promise<Explanation>;
  /**
   * The least-privilege IAM policy for what unitag will do to these resources (exact actions on exact ARNs). With
   * `bulk` (the default), it allows the tagging-API route bulk work takes too. No AWS call; invalid ARNs throw.
   *
   * @example
   * const policy = await tagger.permissions([{ arn, operations: ['tag', 'list'] }]);
   */
  permissions(
    requests: readonly PermissionRequest[],
    options?: Partial<PermissionsOptions>,
  ): Promise<PolicyDocument>;
  /**
   * The account the tagger's credentials act in: one STS GetCallerIdentity, made once and shared with the
   * account check of IAM and EC2 ARNs.
   */
  account(options?: CallOptions): Promise<string>;
  /**
   * The effective tag policy AWS Organizations applies to an account (its 12-digit id): one DescribeEffectivePolicy
   * (TAG_POLICY) at the Organizations endpoint of the partition (`options.partition`, else the tagger's), which
   * answers the organization's management account and its delegated administrators (`AccessDenied` otherwise). An
   * account no tag policy applies to has an empty policy. Needs the optional peer dependency
   * `@aws-sdk/client-organizations` (`ClientMissing` without it, before any call).
   *
   * @example
   * const policy = await tagger.organizationTagPolicy('111111111111');
   * checkResource(policy, { arn, type: 'sns:topic', tags });
   */
  organizationTagPolicy(account: string, options?: TagPolicyCallOptions): Promise<TagPolicy>;
  /** HTTP requests sent to AWS so far by this tagger, retries included. */
  readonly calls: number;
  /** Closes the SDK clients' connections. */
  destroy(): Promise<void>;
}

/**
 * Creates a tagger. SDK clients are loaded on first use and cached per service, region and account.
 *
 * @example
 * const tagger = createTagger({ endpoint: 'http://127.0.0.1:4566' }); // LocalStack
 * await tagger.tag('arn:aws:sqs:us-east-1:000000000000:jobs', { team: 'payments' });
 */
export function createTagger(options: TaggerOptions = {}): Tagger {
  taggerOptionsArgument(options);
  const engine = new Engine(options);
  const policy = new TaggingApiPolicy(engine.registry.fallback, options.preferTaggingApi ?? true, () =>
    engine.noted('ignores-arn-list'),
  );
  const settings = { concurrency: options.concurrency ?? 16, retryFor: options.retryFor };
  const read: TagReader = (arns, bulk) =>
    listMany(engine, policy, prepareReads(engine, unique(arns)), settings, bulk);
  const parts: Parts = { options, engine, policy, settings, read };
  return {
    ...oneResource(engine),
    ...manyResources(parts),
    ...lookups(parts),
    organizationTagPolicy: async (account, callOptions) => {
      const { describeEffectiveTagPolicy } = await import('./governance/tag-policy-organizations.js');
      return describeEffectiveTagPolicy(
        engine,
        account,
        options.partition ?? partitionOfRegion(engine.clients.defaultRegion),
        callOptions,
      );
    },
    get calls() {
      return engine.clients.calls;
    },
    destroy: () => engine.clients.destroy(),
  };
}

/** A plan's options with the tagger's `onConflict` where the plan names none. */
function withConflict(given: PlanOptions | undefined, options: TaggerOptions): PlanOptions {
  return { ...given, onConflict: given?.onConflict ?? options.onConflict };
}

/** What a tagger's methods share: its options, engine, tagging-API policy, bulk settings and bulk read. */
interface Parts {
  options: TaggerOptions;
  engine: Engine;
  policy: TaggingApiPolicy;
  settings: BulkSettings;
  read: TagReader;
}

/** The methods on one resource: each checks its arguments, then makes its call. */
function oneResource(engine: Engine): Pick<Tagger, 'tag' | 'untag' | 'list'> {
  const write = async (arn: string, set: Tags, remove: string[], callOptions?: CallOptions) => {
    const target = engine.resolve(arn);
    return engine.write(target, validateWrite(target, set, remove), callOptions);
  };
  return {
    tag: async (arn, tags, callOptions) =>
      about(arn, () =>
        write(
          arnArgument(arn, 'tag: arn'),
          tagsArgument(tags, 'tag: tags'),
          [],
          optionsArgument(callOptions, 'tag: options', CALL_OPTIONS),
        ),
      ),
    untag: async (arn, keys, callOptions) =>
      about(arn, () =>
        write(
          arnArgument(arn, 'untag: arn'),
          {},
          keysArgument(keys, 'untag: keys'),
          optionsArgument(callOptions, 'untag: options', CALL_OPTIONS),
        ),
      ),
    list: async (arn, callOptions) =>
      about(arn, () =>
        engine.read(
          engine.resolve(arnArgument(arn, 'list: arn')),
          optionsArgument(callOptions, 'list: options', CALL_OPTIONS),
        ),
      ),
  };
}

/** The bulk methods: writes and reads of many resources, and plans. */
function manyResources({
  options,
  engine,
  policy,
  settings,
  read,
}: Parts): Pick<Tagger, 'tagMany' | 'untagMany' | 'listMany' | 'plan' | 'apply'> {
  return {
    tagMany: async (arns, tags, bulk) => {
      const set = tagsArgument(tags, 'tagMany: tags');
      const checked = optionsArgument<BulkOptions>(bulk, 'tagMany: options', BULK_OPTIONS);
      const inputs = prepareWrites(engine, unique(arnsArgument(arns, 'tagMany: arns')), set, []);
      return writeMany(engine, policy, inputs, settings, checked);
    },
    untagMany: async (arns, keys, bulk) => {
      const remove = keysArgument(keys, 'untagMany: keys');
      const checked = optionsArgument<BulkOptions>(bulk, 'untagMany: options', BULK_OPTIONS);
      const inputs = prepareWrites(engine, unique(arnsArgument(arns, 'untagMany: arns')), {}, remove);
      return writeMany(engine, policy, inputs, settings, checked);
    },
    listMany: async (arns, bulk) =>
      read(
        arnsArgument(arns, 'listMany: arns'),
        optionsArgument<BulkOptions<ReadResult>>(bulk, 'listMany: options', BULK_OPTIONS),
      ),
    plan: async (changes, planOptions) =>
      plan(
        engine,
        policy,
        changesArgument(changes, 'plan: changes'),
        settings,
        withConflict(optionsArgument<PlanOptions>(planOptions, 'plan: options', PLAN_OPTIONS), options),
      ),
    apply: async (planned, bulk) =>
      apply(
        engine,
        policy,
        planArgument(planned, 'apply: plan'),
        settings,
        optionsArgument<BulkOptions>(bulk, 'apply: options', BULK_OPTIONS),
      ),
  };
}

/** The methods that write nothing: `find`, `account`, and the checks and explanations that make no call. */
function lookups({
  options,
  engine,
  policy,
  read,
}: Parts): Pick<Tagger, 'find' | 'check' | 'explain' | 'permissions' | 'account'> {
  const partition = options.partition ?? partitionOfRegion(engine.clients.defaultRegion);
  return {
    // Checked when called, not when first iterated: a wrong query fails where it is written.
    find: (query, findOptions) =>
      find(
        engine,
        options.partition,
        queryArgument(query, 'find: query'),
        optionsArgument<FindOptions>(findOptions, 'find: options', FIND_OPTIONS) ?? {},
        read,
      ),
    // A change of the wrong shape is what is wrong with it: returned, as any other problem (a job's lines are
    // checked this way, each problem reported with its line).
    check: (change) => {
      try {
        changeArgument(change, 'check: change');
      } catch (error) {
        return error as UnitagError;
      }
      return checkOne(engine, change);
    },
    explain: async (arn) => {
      arnArgument(arn, 'explain: arn');
      const { explain } = await import('./governance/explain.js');
      return explain(engine, policy, arn);
    },
    permissions: async (requests, permissionOptions) => {
      permissionRequestsArgument(requests, 'permissions: requests');
      const checked = optionsArgument<Partial<PermissionsOptions>>(
        permissionOptions,
        'permissions: options',
        {
          bulk: optional.boolean,
        },
      );
      const { permissionsPolicy } = await import('./governance/permissions.js');
      return permissionsPolicy(engine, policy, requests, { bulk: checked?.bulk ?? true });
    },
    account: async (callOptions) => {
      optionsArgument(callOptions, 'account: options', CALL_OPTIONS);
      try {
        return await engine.clients.account(partition, callOptions?.signal);
      } catch (error) {
        throw engine.fail(error, { service: 'sts' }, callOptions?.signal);
      }
    },
  };
}

function unique(arns: string[]): string[] {
  return [...new Set(arns)];
}

/**
 * Runs a call about one resource: an error it throws names the resource's ARN and service, whatever raised it
 * (an argument checked before any call included), when the ARN argument is a string.
 */
async function about<T>(arn: unknown, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (typeof arn !== 'string' || !isUnitagError(error)) throw error;
    throw toUnitagError(error, { arn, service: arnService(arn) });
  }
}
