import type {
  FailureInfo,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import type { ParsedArn } from '../src/arn.js';
import { chunk, groupBy, once } from '../src/collections.js';
import {
  classifyAwsError,
  createError,
  malformed,
  type UnitagError,
  UnsupportedResourceError,
} from '../src/errors.js';
import { fromTagList, newTags } from '../src/shapes.js';
import type { AdapterContext, AdapterFactory, BatchResult, ClientLoader, Tags } from '../src/types.js';
import { DEFAULT_RULES } from '../src/validate.js';

/** The adapter's name; it serves every ARN service without an adapter of its own. */
export const name = 'tagging-api';

/** Most ARNs TagResources and UntagResources take in one call; more fails the whole call (docs/aws-facts.md). */
export const MAX_ARNS_PER_CALL = 20;

/** Most ARNs GetResources takes in its ResourceARNList. */
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

const sdk = once(() => import('@aws-sdk/client-resource-groups-tagging-api'));
const loader: ClientLoader<ResourceGroupsTaggingAPIClient> = {
  id: name,
  create: async (config) => new (await sdk()).ResourceGroupsTaggingAPIClient(config),
  reads: ['GetResourcesCommand'],
};

/**
 * The Resource Groups Tagging API: TagResources, UntagResources (20 ARNs a call) and GetResources with
 * ResourceARNList. Per-ARN failures that come back inside a 200 answer become typed errors; only throttled
 * ARNs are sent again, with backoff.
 */
const taggingApi: AdapterFactory = () => ({
  name,
  describe(arn) {
    if (!SUPPORTED_SERVICES.has(arn.service)) {
      throw new UnsupportedResourceError(
        `unitag has no adapter for "${arn.service}" and the Resource Groups Tagging API does not tag it; ` +
          `use the service's own tagging operations for ${arn.arn}.`,
        { arn: arn.arn, service: arn.service },
      );
    }
    return { type: `${arn.service}:${arn.resourceType || 'resource'}`, rules: DEFAULT_RULES };
  },
  async list(ctx, arn) {
    const tags = (await readBatch(ctx, [arn])).get(arn.arn);
    if (tags === undefined || tags instanceof Error) throw tags;
    return tags;
  },
  async tag(ctx, arn, tags) {
    return single(arn, await writeBatch(ctx, [arn], { tags }));
  },
  async untag(ctx, arn, keys) {
    return single(arn, await writeBatch(ctx, [arn], { keys }));
  },
  batchSize: MAX_ARNS_PER_CALL,
  listBatchSize: MAX_ARNS_PER_READ,
  tagBatch: (ctx, arns, tags) => writeBatch(ctx, arns, { tags }),
  untagBatch: (ctx, arns, keys) => writeBatch(ctx, arns, { keys }),
  listBatch: (ctx, arns) => readBatch(ctx, arns),
});

export default taggingApi;

/**
 * Tags of `arns` from GetResources with ResourceARNList (100 a call). Never-tagged resources are not returned
 * and a missing ARN is silently left out: both read as {}. LocalStack ignores ResourceARNList, so the answer is
 * filtered here and followed across pages.
 */
async function readBatch(ctx: AdapterContext, arns: ParsedArn[]): Promise<Map<string, Tags | UnitagError>> {
  const result = new Map<string, Tags | UnitagError>();
  const { GetResourcesCommand } = await sdk();
  for (const group of groupBy(arns, (arn) => `${arn.region}|${arn.accountId}`).values()) {
    const client = await ctx.client(loader, group[0] as ParsedArn);
    for (const part of chunk(group, MAX_ARNS_PER_READ)) {
      const wanted = new Set(part.map((arn) => arn.arn));
      for (const arn of wanted) result.set(arn, newTags());
      let PaginationToken: string | undefined;
      do {
        const out = await client.send(
          new GetResourcesCommand({
            ResourceARNList: [...wanted],
            ...(PaginationToken ? { PaginationToken } : {}),
          }),
        );
        if (!Array.isArray(out.ResourceTagMappingList)) {
          throw malformed('GetResources', 'no ResourceTagMappingList');
        }
        for (const mapping of out.ResourceTagMappingList) {
          const arn = mapping.ResourceARN ?? '';
          if (wanted.has(arn)) result.set(arn, fromTagList(mapping.Tags));
        }
        PaginationToken = out.PaginationToken || undefined;
      } while (PaginationToken);
    }
  }
  return result;
}

function single(arn: ParsedArn, result: BatchResult): 'changed' {
  const outcome = result.get(arn.arn);
  if (outcome !== undefined && outcome !== 'changed' && outcome !== 'unchanged') throw outcome;
  return 'changed';
}

/**
 * Tags or untags `arns`, at most 20 per call and one call per region, retrying only the ARNs reported as
 * throttled. Every ARN gets an entry in the result: `changed` or its typed error.
 */
export async function writeBatch(
  ctx: AdapterContext,
  arns: ParsedArn[],
  change: { tags: Tags } | { keys: string[] },
): Promise<BatchResult> {
  const result: BatchResult = new Map();
  const byRegion = groupBy(arns, (arn) => `${arn.region}|${arn.accountId}`);
  const { TagResourcesCommand, UntagResourcesCommand } = await sdk();
  for (const group of byRegion.values()) {
    const client = await ctx.client(loader, group[0] as ParsedArn);
    for (let pending of chunk(group, MAX_ARNS_PER_CALL)) {
      for (let attempt = 1; pending.length > 0; attempt++) {
        const list = pending.map((arn) => arn.arn);
        const out =
          'tags' in change
            ? await client.send(new TagResourcesCommand({ ResourceARNList: list, Tags: change.tags }))
            : await client.send(new UntagResourcesCommand({ ResourceARNList: list, TagKeys: change.keys }));
        const failed = out.FailedResourcesMap ?? {};
        const throttled: ParsedArn[] = [];
        for (const arn of pending) {
          const failure = failed[arn.arn];
          if (!failure) result.set(arn.arn, 'changed');
          else if (isThrottled(failure) && attempt < THROTTLE_ATTEMPTS) throttled.push(arn);
          else result.set(arn.arn, failureToError(arn, failure));
        }
        pending = throttled;
        if (pending.length > 0) await backoff(attempt);
      }
    }
  }
  return result;
}

function isThrottled(failure: FailureInfo): boolean {
  return failure.StatusCode === 429 || classifyAwsError(failure.ErrorCode ?? '') === 'Throttled';
}

/** Turns one FailedResourcesMap entry into the typed error it stands for. */
export function failureToError(arn: ParsedArn, failure: FailureInfo): UnitagError {
  const message = failure.ErrorMessage ?? '';
  const status = failure.StatusCode;
  const code = /not (yet )?supported|unsupported/i.test(message)
    ? 'UnsupportedResource'
    : isThrottled(failure)
      ? 'Throttled'
      : status === 403 || /access ?denied|not authorized/i.test(`${failure.ErrorCode} ${message}`)
        ? 'AccessDenied'
        : status === 404 || /not found|does not exist/i.test(message)
          ? 'ResourceNotFound'
          : classifyAwsError(failure.ErrorCode ?? '');
  const text = `The Resource Groups Tagging API refused ${arn.arn}: ${failure.ErrorCode ?? 'Error'} (${status ?? '?'}) ${message}`;
  return createError(code, text.trim(), { arn: arn.arn, service: arn.service, cause: failure });
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What `find` looks for. */
export interface FindQuery {
  /** Tag filters: a value, any of several values, or `true` for "has the key, any value". */
  tags?: Record<string, string | string[] | true> | undefined;
  /** Resource types as the tagging API names them: `ec2:volume`, `s3`, `logs:log-group`, ... */
  resourceTypes?: string[] | undefined;
  /** Regions to search; default: the tagger's region. */
  regions?: string[] | undefined;
}

/**
 * Every tagged resource matching the query, per region, following PaginationToken to the end. GetResources
 * never returns resources that were never tagged, nor IAM users and roles.
 */
export async function* findResources(
  ctx: AdapterContext,
  partition: string,
  region: string,
  query: FindQuery,
): AsyncGenerator<{ arn: string; tags: Tags }> {
  const { GetResourcesCommand } = await sdk();
  const where = {
    arn: '',
    partition,
    service: 'tag',
    region,
    accountId: '',
    resource: '',
    resourceType: '',
    resourceId: '',
  };
  const client = await ctx.client(loader, where, region);
  const TagFilters = Object.entries(query.tags ?? {}).map(([Key, value]) =>
    value === true ? { Key } : { Key, Values: Array.isArray(value) ? value : [value] },
  );
  let PaginationToken: string | undefined;
  do {
    const out = await client.send(
      new GetResourcesCommand({
        ...(TagFilters.length > 0 ? { TagFilters } : {}),
        ...(query.resourceTypes?.length ? { ResourceTypeFilters: query.resourceTypes } : {}),
        ...(PaginationToken ? { PaginationToken } : {}),
      }),
    );
    if (!Array.isArray(out.ResourceTagMappingList))
      throw malformed('GetResources', 'no ResourceTagMappingList');
    for (const mapping of out.ResourceTagMappingList) {
      if (mapping.ResourceARN) yield { arn: mapping.ResourceARN, tags: fromTagList(mapping.Tags) };
    }
    PaginationToken = out.PaginationToken || undefined;
  } while (PaginationToken);
}
