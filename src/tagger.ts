import { type FindQuery, findResources } from '../adapters/tagging-api.js';
import { PARTITIONS } from './arn.js';
import { type BulkOptions, type BulkReport, type BulkSettings, listMany, writeMany } from './bulk.js';
import { Engine, type EngineOptions } from './engine.js';
import { toUnitagError } from './errors.js';
import { apply, type Change, type Plan, plan } from './plan.js';
import type { CallOptions, Tags } from './types.js';

/** Options of {@link createTagger}. All optional: the SDK's own configuration chain fills what is missing. */
export interface TaggerOptions extends EngineOptions {
  /** How many calls bulk operations run at once. Default 16. */
  concurrency?: number | undefined;
  /**
   * Bulk writes for SNS topics, SQS queues, Lambda functions and S3 buckets go through the
   * Resource Groups Tagging API first (20 ARNs a call), falling back per ARN to the service's own operations
   * where it refuses. Default true.
   */
  preferTaggingApi?: boolean | undefined;
  /** The partition `find` searches. Default `aws`. */
  partition?: string | undefined;
}

/** Tags, untags and lists AWS resources by ARN, whatever the service. */
export interface Tagger {
  /**
   * Adds or overwrites the named tags; every other tag on the resource stays as it is. An empty map makes no
   * call. Invalid input throws a `UnitagError` (`InvalidArn`, `InvalidTag`, `ReservedKey`,
   * `TagLimitExceeded`, `UnsupportedResource`) before any AWS call.
   *
   * @example
   * await tagger.tag('arn:aws:sns:us-east-1:123456789012:orders', { project: 'QuarkEagle', stage: 'beta' });
   */
  tag(arn: string, tags: Tags, options?: CallOptions): Promise<void>;
  /**
   * Removes the named keys; a key the resource does not carry is not an error. An empty list makes no call.
   *
   * @example
   * await tagger.untag('arn:aws:sns:us-east-1:123456789012:orders', ['stage']);
   */
  untag(arn: string, keys: string[], options?: CallOptions): Promise<void>;
  /**
   * The resource's user tags as a plain object (`{}` when it has none). A failed read throws; it is never
   * reported as "no tags".
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
  /** Reads the tags of every resource (`tags` on each report line), batching where AWS allows. */
  listMany(arns: string[], options?: BulkOptions): Promise<BulkReport>;
  /**
   * Reads the current tags and returns, per resource, `before` and `after` and the writes `apply` would make.
   * Makes no write: a plan not applied is a dry run.
   *
   * @example
   * const p = await tagger.plan([{ arn, rename: { Team: 'team' }, setIfAbsent: { owner: 'platform' } }]);
   * const report = await tagger.apply(p);
   */
  plan(changes: Change[]): Promise<Plan>;
  /** Makes exactly the writes the plan lists. */
  apply(plan: Plan, options?: BulkOptions): Promise<BulkReport>;
  /**
   * Tagged resources matching tag filters, through GetResources. It cannot see resources that were never
   * tagged, nor IAM users and roles.
   *
   * @example
   * for await (const { arn, tags } of tagger.find({ tags: { team: 'payments' }, regions: ['eu-west-1'] })) {}
   */
  find(query?: FindQuery): AsyncIterable<{ arn: string; tags: Tags }>;
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
  const engine = new Engine(options);
  const settings: BulkSettings = {
    concurrency: options.concurrency ?? 16,
    preferTaggingApi: options.preferTaggingApi ?? true,
  };
  const partition = options.partition ?? 'aws';
  return {
    async tag(arn, tags, callOptions) {
      await engine.tag(arn, tags, callOptions);
    },
    async untag(arn, keys, callOptions) {
      await engine.untag(arn, keys, callOptions);
    },
    list: (arn, callOptions) => engine.list(arn, callOptions),
    tagMany: (arns, tags, bulk) =>
      writeMany(
        engine,
        unique(arns).map((arn) => ({ arn, set: tags, remove: [] })),
        settings,
        bulk,
      ),
    untagMany: (arns, keys, bulk) =>
      writeMany(
        engine,
        unique(arns).map((arn) => ({ arn, set: {}, remove: keys })),
        settings,
        bulk,
      ),
    listMany: (arns, bulk) => listMany(engine, unique(arns), settings, bulk),
    plan: (changes) => plan(engine, changes, settings),
    apply: (planned, bulk) => apply(engine, planned, settings, bulk),
    async *find(query = {}) {
      const regions = query.regions ?? [
        engine.clients.defaultRegion ?? PARTITIONS[partition]?.globalRegion ?? '',
      ];
      for (const region of regions) {
        try {
          yield* findResources(engine.context, partition, region, query);
        } catch (error) {
          throw toUnitagError(error, { service: 'tag' });
        }
      }
    },
    get calls() {
      return engine.clients.calls;
    },
    destroy: () => engine.clients.destroy(),
  };
}

function unique(arns: string[]): string[] {
  return [...new Set(arns)];
}
