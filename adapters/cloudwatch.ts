import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  type AdapterContext,
  type AdapterFactory,
  arnTagging,
  type CallOptions,
  type ClientLoader,
  type ClientScope,
  DEFAULT_RULES,
  InvalidArnError,
  type ListedResource,
  listMember,
  optionalSdk,
  type ParsedArn,
  pages,
  regionOf,
  requiredTagList,
  stringMember,
  toTagList,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'cloudwatch';

type Sdk = typeof import('@aws-sdk/client-cloudwatch');
const sdk = optionalSdk(
  '@aws-sdk/client-cloudwatch',
  (): Promise<Sdk> => import('@aws-sdk/client-cloudwatch'),
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

/** The resource's name after its type; alarm names may hold `:` and `/`, so the rest of the ARN is the name. */
function resourceName(arn: ParsedArn): string {
  return arn.resource.slice(arn.resourceType.length + 1);
}

/**
 * CloudWatch alarms (metric and composite) and Contributor Insights rules: TagResource, UntagResource and
 * ListTagsForResource, all by ARN. Dashboards, metric streams and other types go to the tagging API.
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
  inventory: { types: Object.values(TYPES), enumerate },
});

export default cloudwatch;

/** Every metric and composite alarm, then every Contributor Insights rule, of the scope's region, as `types` asks. */
async function* enumerate(
  ctx: AdapterContext,
  scope: ClientScope,
  types: readonly string[],
  { signal }: CallOptions,
): AsyncGenerator<ListedResource> {
  const [client, api] = await Promise.all([ctx.client(loader, scope, signal), sdk.load()]);
  if (types.includes('cloudwatch:alarm')) yield* listAlarms(client, api, signal);
  if (types.includes('cloudwatch:insight-rule')) yield* listInsightRules(client, api, scope, signal);
}

/**
 * DescribeAlarms, 100 a page, by NextToken. Without AlarmTypes it lists metric alarms only; with both types its
 * answer carries both lists, each alarm with its ARN.
 */
async function* listAlarms(client: CloudWatchClient, api: Sdk, signal: AbortSignal | undefined) {
  const AlarmTypes = ['MetricAlarm' as const, 'CompositeAlarm' as const];
  const send = (NextToken: string | undefined) =>
    client.send(new api.DescribeAlarmsCommand({ AlarmTypes, MaxRecords: 100, NextToken }), {
      abortSignal: signal,
    });
  for await (const page of pages('DescribeAlarms', send, (out) => out.NextToken)) {
    const alarms = [
      ...listMember(page, 'MetricAlarms', 'DescribeAlarms'),
      ...listMember(page, 'CompositeAlarms', 'DescribeAlarms'),
    ];
    for (const alarm of alarms) {
      yield { arn: stringMember(alarm, 'AlarmArn', 'DescribeAlarms'), type: 'cloudwatch:alarm' };
    }
  }
}

/** DescribeInsightRules, 500 a page, by NextToken; its entries name the rule only, so the ARN is built. */
async function* listInsightRules(
  client: CloudWatchClient,
  api: Sdk,
  scope: ClientScope,
  signal: AbortSignal | undefined,
) {
  const region = await regionOf(client, scope);
  const send = (NextToken: string | undefined) =>
    client.send(new api.DescribeInsightRulesCommand({ MaxResults: 500, NextToken }), { abortSignal: signal });
  for await (const page of pages('DescribeInsightRules', send, (out) => out.NextToken)) {
    for (const rule of listMember(page, 'InsightRules', 'DescribeInsightRules')) {
      const ruleName = stringMember(rule, 'Name', 'DescribeInsightRules');
      const arn = `arn:${scope.partition}:${name}:${region}:${scope.account}:insight-rule/${ruleName}`;
      yield { arn, type: 'cloudwatch:insight-rule' };
    }
  }
}
