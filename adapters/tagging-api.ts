import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import {
  type AdapterContext,
  type AdapterFactory,
  type BatchResult,
  type BatchTags,
  byScope,
  type CallOptions,
  type ClientLoader,
  chunk,
  DEFAULT_RULES,
  fromTagList,
  malformed,
  newTags,
  once,
  type ParsedArn,
  scopeOf,
  sdkPackage,
  type Tags,
  UnsupportedResourceError,
} from '../src/core/kit.js';
import { backoff, failedResources, recordAnswer } from './tagging-api-failures.js';

/** The adapter's name; it serves every ARN service without an adapter of its own. */
export const name = 'tagging-api';

/** Most ARNs TagResources and UntagResources take in one call; more fails the whole call (docs/aws-facts.md). */
export const MAX_ARNS_PER_CALL = 20;

/**
 * Most ARNs GetResources takes in its ResourceARNList: AWS's API reference gives the list 1 to 100 members
 * (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html; the service
 * model's ResourceARNListForGet has max 100, where TagResources and UntagResources take 20).
 */
const MAX_ARNS_PER_READ = 100;

/** Attempts for ARNs the API reports as throttled inside a 200 answer; the SDK never retries those. */
const THROTTLE_ATTEMPTS = 5;

/**
 * ARN service fields whose resources TagResources / UntagResources can tag, from AWS's "Services that support
 * the Resource Groups Tagging API" page. AWS's list is known to be incomplete; a service missing here gets
 * `UnsupportedResource` before any call. sns, sqs, s3, ec2, iam and lambda have adapters of their own.
 */
export const SUPPORTED_SERVICES: ReadonlySet<string> = new Set([
  'acm',
  'acm-pca',
  'airflow',
  'amplify',
  'apigateway',
  'app-integrations',
  'appconfig',
  'appflow',
  'appmesh',
  'apprunner',
  'appstream',
  'appsync',
  'athena',
  'autoscaling',
  'backup',
  'batch',
  'cloud9',
  'cloudformation',
  'cloudfront',
  'cloudhsm',
  'cloudtrail',
  'cloudwatch',
  'codeartifact',
  'codebuild',
  'codecommit',
  'codedeploy',
  'codeguru-profiler',
  'codepipeline',
  'codestar-connections',
  'cognito-identity',
  'cognito-idp',
  'comprehend',
  'config',
  'connect',
  'databrew',
  'datasync',
  'dax',
  'devicefarm',
  'directconnect',
  'dms',
  'ds',
  'dynamodb',
  'ecr',
  'ecs',
  'eks',
  'elasticache',
  'elasticbeanstalk',
  'elasticfilesystem',
  'elasticloadbalancing',
  'elasticmapreduce',
  'emr-containers',
  'es',
  'events',
  'firehose',
  'fsx',
  'glacier',
  'glue',
  'grafana',
  'greengrass',
  'guardduty',
  'imagebuilder',
  'inspector2',
  'iot',
  'kafka',
  'kinesis',
  'kinesisanalytics',
  'kinesisvideo',
  'kms',
  'lakeformation',
  'logs',
  'mediaconvert',
  'medialive',
  'mediapackage',
  'memorydb',
  'mq',
  'network-firewall',
  'networkmanager',
  'opensearchservice',
  'organizations',
  'qldb',
  'ram',
  'rds',
  'redshift',
  'resource-groups',
  'route53',
  'route53resolver',
  'sagemaker',
  'scheduler',
  'secretsmanager',
  'securityhub',
  'servicecatalog',
  'servicediscovery',
  'ses',
  'ssm',
  'sso',
  'states',
  'storagegateway',
  'synthetics',
  'timestream',
  'transfer',
  'waf',
  'waf-regional',
  'wafv2',
  'workspaces',
  'xray',
]);

const sdk = once(() =>
  sdkPackage<typeof import('@aws-sdk/client-resource-groups-tagging-api')>(
    '@aws-sdk/client-resource-groups-tagging-api',
  ),
);
const loader: ClientLoader<ResourceGroupsTaggingAPIClient> = {
  id: name,
  create: async (config) => new (await sdk()).ResourceGroupsTaggingAPIClient(config),
  reads: { GetResourcesCommand: { json: ['ResourceTagMappingList', 'PaginationToken'] } },
  // Only FailedResourcesMap says which ARNs were written: AWS sends it, empty when none failed.
  writes: {
    TagResourcesCommand: { json: ['FailedResourcesMap'], required: true },
    UntagResourcesCommand: { json: ['FailedResourcesMap'], required: true },
  },
};

/** Options of the tagging-API adapter. */
export interface TaggingApiOptions {
  /**
   * For an ARN a read's answer leaves out: the error its read fails with, or undefined to read it as untagged
   * (GetResources leaves out resources that were never tagged, and ones it does not know).
   */
  unanswered?: ((arn: ParsedArn) => Error | undefined) | undefined;
}

/**
 * The Resource Groups Tagging API: TagResources, UntagResources (20 ARNs a call) and GetResources with
 * ResourceARNList, and `find` (GetResources with tag filters). Per-ARN failures that come back inside a 200
 * answer are returned as `awsFailure`s; only throttled ARNs are sent again, with backoff.
 */
const taggingApi: AdapterFactory<TaggingApiOptions> = ({ unanswered } = {}) => ({
  name,
  describe(arn) {
    if (!SUPPORTED_SERVICES.has(arn.service)) {
      throw new UnsupportedResourceError(
        `unitag has no adapter for "${arn.service}" and the Resource Groups Tagging API does not tag it; ` +
          `use the service's own tagging operations for ${arn.arn}.`,
        { arn: arn.arn, service: arn.service },
      );
    }
    return {
      type: `${arn.service}:${arn.resourceType || 'resource'}`,
      rules: DEFAULT_RULES,
      taggingApi: true,
    };
  },
  // Its own calls only: AWS also requires the service's own permission for each resource a write names, which
  // the core adds (it knows the service's actions from AWS's IAM reference).
  permissions: () => ({
    tag: ['tag:TagResources'],
    untag: ['tag:UntagResources'],
    list: ['tag:GetResources'],
  }),
  async list(ctx, arn, options) {
    const tags = (await readBatch(ctx, [arn], options, unanswered)).get(arn.arn);
    if (tags === undefined || tags instanceof Error) throw tags;
    return tags;
  },
  async tag(ctx, arn, tags, options) {
    return single(arn, await writeBatch(ctx, [arn], { tags }, options));
  },
  async untag(ctx, arn, keys, options) {
    return single(arn, await writeBatch(ctx, [arn], { keys }, options));
  },
  batchSize: MAX_ARNS_PER_CALL,
  listBatchSize: MAX_ARNS_PER_READ,
  tagBatch: (ctx, arns, tags, options) => writeBatch(ctx, arns, { tags }, options),
  untagBatch: (ctx, arns, keys, options) => writeBatch(ctx, arns, { keys }, options),
  listBatch: (ctx, arns, callOptions) => readBatch(ctx, arns, callOptions, unanswered),
  find: findResources,
});

export default taggingApi;

/**
 * Tags of `arns` from GetResources with ResourceARNList, 100 a call, one call per region and account. Never-tagged
 * resources are not returned and an ARN the API does not know is silently left out: both read as {} (or as the
 * error `unanswered` gives for them), or, with `onlyAnswered`, are left out of the result for the caller to read
 * elsewhere. LocalStack ignores
 * ResourceARNList and answers every resource, so only the ARNs asked for are kept, compared exactly (an ARN in
 * another case is another resource's, or none), and the answer is followed across pages.
 */
async function readBatch(
  ctx: AdapterContext,
  arns: ParsedArn[],
  { signal, onlyAnswered }: CallOptions,
  unanswered?: TaggingApiOptions['unanswered'],
): Promise<BatchTags> {
  const result: BatchTags = new Map();
  for (const group of byScope(arns)) {
    const client = await ctx.client(loader, scopeOf(group[0] as ParsedArn), signal);
    for (const part of chunk(group, MAX_ARNS_PER_READ)) {
      // An endpoint that ignores ResourceARNList pages through every resource it holds, a list that others may
      // change between two pages (LocalStack under parallel tests): an ARN left out is looked for once more.
      const ignored = await readPart(ctx, client, part, result, signal);
      const missing = part.filter((arn) => !result.has(arn.arn));
      if (ignored && missing.length > 0) await readPart(ctx, client, missing, result, signal);
    }
  }
  if (onlyAnswered) return result;
  for (const arn of arns) if (!result.has(arn.arn)) result.set(arn.arn, unanswered?.(arn) ?? newTags());
  return result;
}

/**
 * Reads `part` (one region and account) into `result`; true when the endpoint answered ARNs it was not asked for
 * (it ignores ResourceARNList: LocalStack; later reads go elsewhere, see `note`). Once every ARN asked for is
 * answered, the answer's other pages are not fetched.
 */
async function readPart(
  ctx: AdapterContext,
  client: ResourceGroupsTaggingAPIClient,
  part: ParsedArn[],
  result: BatchTags,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const wanted = new Set(part.map((arn) => arn.arn));
  let left = [...wanted].filter((arn) => !result.has(arn)).length;
  let ignored = false;
  for await (const mapping of pages(client, { ResourceARNList: [...wanted] }, signal)) {
    if (wanted.has(mapping.arn)) {
      if (!result.has(mapping.arn)) left--;
      result.set(mapping.arn, mapping.tags);
    } else {
      ignored = true;
      ctx.note?.('ignores-arn-list');
    }
    if (left === 0) break;
  }
  return ignored;
}

/**
 * Every resource of every page of one GetResources query, following PaginationToken to the end. AWS's reference
 * says a ResourceARNList query takes no pagination parameter, but LocalStack pages its unfiltered answer; a page
 * that fails fails the whole query, so that a cut-short answer never reads as "no tags".
 */
async function* pages(
  client: ResourceGroupsTaggingAPIClient,
  input: Record<string, unknown>,
  signal: AbortSignal | undefined,
): AsyncGenerator<{ arn: string; tags: Tags }> {
  const { GetResourcesCommand } = await sdk();
  let PaginationToken: string | undefined;
  do {
    const out = await client.send(
      new GetResourcesCommand({ ...input, ...(PaginationToken ? { PaginationToken } : {}) }),
      { abortSignal: signal },
    );
    if (!Array.isArray(out.ResourceTagMappingList))
      throw malformed('GetResources', 'no ResourceTagMappingList');
    for (const mapping of out.ResourceTagMappingList) {
      if (mapping.ResourceARN)
        yield { arn: mapping.ResourceARN, tags: fromTagList(mapping.Tags, 'GetResources') };
    }
    PaginationToken = out.PaginationToken || undefined;
  } while (PaginationToken);
}

function single(arn: ParsedArn, result: BatchResult): 'changed' {
  const outcome = result.get(arn.arn);
  if (outcome instanceof Error) throw outcome;
  return 'changed';
}

/**
 * Tags or untags `arns`, at most 20 per call and one call per region and account, retrying only the ARNs
 * reported as throttled. Every ARN gets an entry in the result: `changed` or its failure. An ARN is `changed` only
 * where an answer's FailedResourcesMap (which AWS sends, empty when none failed) leaves it out; a call that fails,
 * or whose answer is not the API's document, fails the ARNs it sent, and only those.
 */
export async function writeBatch(
  ctx: AdapterContext,
  arns: ParsedArn[],
  change: { tags: Tags } | { keys: string[] },
  { signal }: CallOptions,
): Promise<BatchResult> {
  const result: BatchResult = new Map();
  const { TagResourcesCommand, UntagResourcesCommand } = await sdk();
  const operation = 'tags' in change ? 'TagResources' : 'UntagResources';
  for (const group of byScope(arns)) {
    const client = await ctx.client(loader, scopeOf(group[0] as ParsedArn), signal);
    for (let pending of chunk(group, MAX_ARNS_PER_CALL)) {
      for (let attempt = 1; pending.length > 0; attempt++) {
        const list = pending.map((arn) => arn.arn);
        const command =
          'tags' in change
            ? new TagResourcesCommand({ ResourceARNList: list, Tags: change.tags })
            : new UntagResourcesCommand({ ResourceARNList: list, TagKeys: change.keys });
        let failed: Record<string, unknown>;
        try {
          const out = await client.send(command as never, { abortSignal: signal });
          failed = failedResources(out, operation);
        } catch (error) {
          for (const arn of pending) result.set(arn.arn, error as Error);
          break;
        }
        pending = recordAnswer(failed, pending, operation, attempt < THROTTLE_ATTEMPTS, result);
        if (pending.length > 0) await backoff(attempt, signal);
      }
    }
  }
  return result;
}

/**
 * Every tagged resource of one region matching the query, following PaginationToken to the end. GetResources
 * never returns resources that were never tagged, nor IAM users and roles.
 */
async function* findResources(
  ctx: AdapterContext,
  scope: { partition: string; region: string; account: string },
  query: {
    tags?: Record<string, string | string[] | true> | undefined;
    resourceTypes?: string[] | undefined;
  },
  { signal }: CallOptions,
): AsyncGenerator<{ arn: string; tags: Tags }> {
  const client = await ctx.client(loader, scope, signal);
  const TagFilters = Object.entries(query.tags ?? {}).map(([Key, value]) =>
    value === true ? { Key } : { Key, Values: Array.isArray(value) ? value : [value] },
  );
  yield* pages(
    client,
    {
      ...(TagFilters.length > 0 ? { TagFilters } : {}),
      ...(query.resourceTypes?.length ? { ResourceTypeFilters: query.resourceTypes } : {}),
    },
    signal,
  );
}
