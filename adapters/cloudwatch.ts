import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  type AdapterFactory,
  arnTagging,
  type ClientLoader,
  DEFAULT_RULES,
  InvalidArnError,
  optionalSdk,
  type ParsedArn,
  requiredTagList,
  toTagList,
  UnsupportedResourceError,
} from '../src/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'cloudwatch';

const sdk = optionalSdk('@aws-sdk/client-cloudwatch', () => import('@aws-sdk/client-cloudwatch'));
const loader: ClientLoader<CloudWatchClient> = {
  id: name,
  create: async (config) => new (await sdk.load()).CloudWatchClient(config),
  reads: { ListTagsForResourceCommand: { json: ['Tags'] } },
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
});

export default cloudwatch;
