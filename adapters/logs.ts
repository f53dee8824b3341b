import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  type AdapterFactory,
  arnTagging,
  type ClientLoader,
  DEFAULT_RULES,
  InvalidArnError,
  type Listing,
  listedInventory,
  malformed,
  optionalSdk,
  optionalTagMap,
  type ParsedArn,
  type ResourceInfo,
  rejectTypeCase,
  sdkPackage,
  stringMember,
  type Tags,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'logs';

const sdk = optionalSdk('@aws-sdk/client-cloudwatch-logs', () =>
  sdkPackage<typeof import('@aws-sdk/client-cloudwatch-logs')>('@aws-sdk/client-cloudwatch-logs'),
);
const loader: ClientLoader<CloudWatchLogsClient> = {
  id: name,
  create: async (config) => new (await sdk.load()).CloudWatchLogsClient(config),
  reads: { ListTagsForResourceCommand: { json: ['tags'] } },
  writes: { TagResourceCommand: { empty: 'json' }, UntagResourceCommand: { empty: 'json' } },
};

/**
 * The types TagResource takes, by the ARN's resource type, each with its name syntax from the API reference:
 * log-group names are 1-512 of `. - _ / #`, letters and digits; destination names 1-512 characters without
 * `:` or `*`.
 */
const TYPES: Readonly<Record<string, { type: string; name: RegExp }>> = {
  'log-group': { type: 'logs:log-group', name: /^[.\-_/#A-Za-z0-9]{1,512}$/ },
  destination: { type: 'logs:destination', name: /^[^:*]{1,512}$/ },
};

/**
 * The types the inventory lists (the account's own: no linked accounts): each one's Describe call, 50 a page by
 * nextToken, and the `arn` of each entry. A log group's is written without the trailing `:*` DescribeLogGroups
 * gives it: the one spelling unitag's plans count it by (its `canonicalArn`).
 */
const LISTED: Readonly<Record<string, Listing>> = {
  'logs:log-group': {
    operation: 'DescribeLogGroups',
    input: { limit: 50 },
    token: 'nextToken',
    member: 'logGroups',
    arn: (entry) => stringMember(entry, 'arn', 'DescribeLogGroups').replace(/:\*$/, ''),
  },
  'logs:destination': {
    operation: 'DescribeDestinations',
    input: { limit: 50 },
    token: 'nextToken',
    member: 'destinations',
    arn: (entry) => stringMember(entry, 'arn', 'DescribeDestinations'),
  },
};

/**
 * CloudWatch Logs log groups and destinations: TagResource, UntagResource and ListTagsForResource, all by ARN
 * (not the older TagLogGroup family, which IAM's tag conditions do not govern). A log-group ARN may end in `:*`
 * as DescribeLogGroups' `arn` does; the calls get it without, as the tagging calls and their IAM actions expect.
 */
const logs: AdapterFactory = () => ({
  name,
  optionalPackage: sdk,
  describe: describeLogs,
  permissions: () => ({
    tag: ['logs:TagResource'],
    untag: ['logs:UntagResource'],
    list: ['logs:ListTagsForResource'],
  }),
  ...arnTagging({
    loader,
    load: sdk.load,
    callArn: resourceArn,
    tag: (m, resourceArn, tags) => new m.TagResourceCommand({ resourceArn, tags }),
    untag: (m, resourceArn, tagKeys) => new m.UntagResourceCommand({ resourceArn, tagKeys }),
    list: (m, resourceArn) => new m.ListTagsForResourceCommand({ resourceArn }),
    tags: readTags,
  }),
  inventory: listedInventory({ service: name, loader, load: sdk.load, listings: LISTED }),
});

export default logs;

/** A log group's or destination's type and rules; refuses any other Logs ARN, and names AWS would refuse. */
function describeLogs(arn: ParsedArn): ResourceInfo {
  const context = { arn: arn.arn, service: name };
  rejectTypeCase(arn, Object.keys(TYPES), name);
  const known = Object.hasOwn(TYPES, arn.resourceType) ? TYPES[arn.resourceType] : undefined;
  if (!known || arn.resource[arn.resourceType.length] !== ':') {
    throw new UnsupportedResourceError(
      `unitag tags CloudWatch Logs log groups (arn:...:log-group:NAME) and destinations ` +
        `(arn:...:destination:NAME); ${arn.arn} is neither (log streams and other Logs resources are not).`,
      context,
    );
  }
  if (arn.resourceType === 'log-group' && arn.resourceId.includes(':log-stream:')) {
    throw new UnsupportedResourceError(
      `CloudWatch Logs does not tag log streams; tag their log group: ${arn.arn.split(':log-stream:')[0]}.`,
      context,
    );
  }
  if (arn.region === '' || !/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidArnError(
      `${arn.arn}: a CloudWatch Logs ARN names its region and 12-digit account.`,
      context,
    );
  }
  if (!known.name.test(resourceName(arn))) {
    throw new InvalidArnError(
      `${arn.arn}: "${resourceName(arn)}" is not a CloudWatch Logs ${arn.resourceType} name.`,
      context,
    );
  }
  const policyArn = resourceArn(arn);
  return { type: known.type, rules: DEFAULT_RULES, taggingApi: false, policyArn, canonicalArn: policyArn };
}

/** The name after the type; a log group's trailing `:*` (DescribeLogGroups' `arn` form) is not part of it. */
function resourceName(arn: ParsedArn): string {
  const id = arn.resourceId;
  return arn.resourceType === 'log-group' && id.endsWith(':*') ? id.slice(0, -2) : id;
}

/** The ARN the tagging calls take: a log group's without its trailing `:*`. */
function resourceArn(arn: ParsedArn): string {
  const { partition, region, accountId, resourceType } = arn;
  return `arn:${partition}:${name}:${region}:${accountId}:${resourceType}:${resourceName(arn)}`;
}

/**
 * The tags of a ListTagsForResource answer. `tags` is its one member (an empty map for a resource without tags):
 * an answer without it cannot be told from a stray one, so it is not taken for "no tags".
 */
function readTags(answer: object): Tags {
  const { tags } = answer as { tags?: unknown };
  if (tags === undefined) throw malformed('ListTagsForResource', 'no tags map');
  return optionalTagMap(tags, 'ListTagsForResource');
}
