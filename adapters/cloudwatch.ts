import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  type AdapterFactory,
  arnTagging,
  type ClientLoader,
  DEFAULT_RULES,
  InvalidArnError,
  type Listing,
  listedInventory,
  optionalSdk,
  type ParsedArn,
  requiredTagList,
  sdkPackage,
  stringMember,
  toTagList,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'cloudwatch';

type Sdk = typeof import('@aws-sdk/client-cloudwatch');
const sdk = optionalSdk(
  '@aws-sdk/client-cloudwatch',
  (): Promise<Sdk> => sdkPackage<Sdk>('@aws-sdk/client-cloudwatch'),
);
const loader: ClientLoader<CloudWatchClient> = {
  id: name,
  create: async (config) => new (await sdk.load()).CloudWatchClient(config),
  reads: { ListTagsForResourceCommand: { json: ['Tags'] } },
  // The client speaks AWS's JSON 1.0 protocol; the writes' outputs have no member.
  writes: { TagResourceCommand: { empty: 'json' }, UntagResourceCommand: { empty: 'json' } },
};

/** The resource types CloudWatch tags, as its ARNs name them (`alarm:NAME`, `insight-rule/NAME`). */
const TYPES: Readonly<Record<string, string>> = {
  alarm: 'cloudwatch:alarm',
  'insight-rule': 'cloudwatch:insight-rule',
};

/**
 * What the inventory lists, in this order: every metric and composite alarm (DescribeAlarms, 100 a page: without
 * AlarmTypes it lists metric alarms only; with both types its answer carries both lists, each alarm with its ARN),
 * then every Contributor Insights rule (DescribeInsightRules, 500 a page, whose entries name the rule only, so the
 * ARN is built). Both are paged by NextToken.
 */
const LISTED: Readonly<Record<string, Listing>> = {
  'cloudwatch:alarm': {
    operation: 'DescribeAlarms',
    input: { AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 },
    token: 'NextToken',
    member: ['MetricAlarms', 'CompositeAlarms'],
    arn: (alarm) => stringMember(alarm, 'AlarmArn', 'DescribeAlarms'),
  },
  'cloudwatch:insight-rule': {
    operation: 'DescribeInsightRules',
    input: { MaxResults: 500 },
    token: 'NextToken',
    member: 'InsightRules',
    resource: (rule) => `insight-rule/${stringMember(rule, 'Name', 'DescribeInsightRules')}`,
  },
};

/** The resource's name after its type; alarm names may hold `:` and `/`, so the rest of the ARN is the name. */
function resourceName(arn: ParsedArn): string {
  return arn.resource.slice(arn.resourceType.length + 1);
}

/**
 * CloudWatch alarms (metric and composite) and Contributor Insights rules: TagResource, UntagResource and
 * ListTagsForResource, all by ARN. Dashboards, metric streams and the other types are refused before any call
 * (adapters/catalog/not-served.ts says why).
 */
const cloudwatch: AdapterFactory = () => ({
  name,
  optionalPackage: sdk,
  describe(arn: ParsedArn) {
    const type = Object.hasOwn(TYPES, arn.resourceType) ? TYPES[arn.resourceType] : undefined;
    if (!type) {
      throw new UnsupportedResourceError(
        `unitag tags CloudWatch alarms (arn:...:alarm:NAME) and insight rules (insight-rule/NAME); ${arn.arn} is neither.`,
        { arn: arn.arn, service: name },
      );
    }
    if (resourceName(arn) === '' || resourceName(arn).length > 255) {
      throw new InvalidArnError(
        `${arn.arn}: a CloudWatch ${arn.resourceType} name has 1 to 255 characters.`,
        {
          arn: arn.arn,
          service: name,
        },
      );
    }
    return { type, rules: DEFAULT_RULES, taggingApi: false };
  },
  permissions: () => ({
    tag: ['cloudwatch:TagResource'],
    untag: ['cloudwatch:UntagResource'],
    list: ['cloudwatch:ListTagsForResource'],
  }),
  ...arnTagging({
    loader,
    load: sdk.load,
    tag: (m, ResourceARN, tags) => new m.TagResourceCommand({ ResourceARN, Tags: toTagList(tags) }),
    untag: (m, ResourceARN, TagKeys) => new m.UntagResourceCommand({ ResourceARN, TagKeys }),
    list: (m, ResourceARN) => new m.ListTagsForResourceCommand({ ResourceARN }),
    tags: (answer) => requiredTagList(answer, 'Tags', 'ListTagsForResource'),
  }),
  inventory: listedInventory({ service: name, loader, load: sdk.load, listings: LISTED }),
});

export default cloudwatch;
