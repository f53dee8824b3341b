import type { SFNClient } from '@aws-sdk/client-sfn';
import {
  type AdapterFactory,
  arnTagging,
  type ClientLoader,
  DEFAULT_RULES,
  InvalidArnError,
  type Listing,
  listedInventory,
  listMember,
  malformed,
  newTags,
  optionalSdk,
  type ParsedArn,
  type ResourceInfo,
  rejectTypeCase,
  sdkPackage,
  stringMember,
  type Tags,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'states';

const sdk = optionalSdk('@aws-sdk/client-sfn', () =>
  sdkPackage<typeof import('@aws-sdk/client-sfn')>('@aws-sdk/client-sfn'),
);
const loader: ClientLoader<SFNClient> = {
  id: name,
  create: async (config) => new (await sdk.load()).SFNClient(config),
  reads: { ListTagsForResourceCommand: { json: ['tags'] } },
  writes: { TagResourceCommand: { empty: 'json' }, UntagResourceCommand: { empty: 'json' } },
};

/** The types Step Functions tags, by the ARN's resource type (`stateMachine:NAME`, `activity:NAME`). */
const TYPES: Readonly<Record<string, string>> = {
  stateMachine: 'states:stateMachine',
  activity: 'states:activity',
};

/**
 * The types the inventory lists: each one's list call, 1000 a page by nextToken, and the ARN each entry carries (a
 * state machine's unqualified: its versions and aliases are not listed).
 */
const LISTED: Readonly<Record<string, Listing>> = {
  'states:stateMachine': {
    operation: 'ListStateMachines',
    input: { maxResults: 1000 },
    token: 'nextToken',
    member: 'stateMachines',
    arn: (entry) => stringMember(entry, 'stateMachineArn', 'ListStateMachines'),
  },
  'states:activity': {
    operation: 'ListActivities',
    input: { maxResults: 1000 },
    token: 'nextToken',
    member: 'activities',
    arn: (entry) => stringMember(entry, 'activityArn', 'ListActivities'),
  },
};

/**
 * State machine and activity names: 1-80 characters, none of them white space, `< > { } [ ] ? * " # % \ ^ | ~
 * \` $ & , ; : /` or a control character (AWS's reference for CreateStateMachine and CreateActivity).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: names may hold no control character.
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

/**
 * Step Functions state machines and activities: TagResource, UntagResource and ListTagsForResource, all by
 * ARN, tags as `{ key, value }` pairs. A state machine's versions and aliases (`stateMachine:NAME:1`,
 * `stateMachine:NAME:prod`) are refused: tag the state machine itself.
 */
const states: AdapterFactory = () => ({
  name,
  optionalPackage: sdk,
  describe: describeStates,
  permissions: () => ({
    tag: ['states:TagResource'],
    untag: ['states:UntagResource'],
    list: ['states:ListTagsForResource'],
  }),
  ...arnTagging({
    loader,
    load: sdk.load,
    tag: (m, resourceArn, tags) => {
      const list = Object.entries(tags).map(([key, value]) => ({ key, value }));
      return new m.TagResourceCommand({ resourceArn, tags: list });
    },
    untag: (m, resourceArn, tagKeys) => new m.UntagResourceCommand({ resourceArn, tagKeys }),
    list: (m, resourceArn) => new m.ListTagsForResourceCommand({ resourceArn }),
    tags: (answer) => fromLowercaseTags(listMember(answer, 'tags', 'ListTagsForResource')),
  }),
  inventory: listedInventory({ service: name, loader, load: sdk.load, listings: LISTED }),
});

export default states;

/** A state machine's or activity's type and rules; refuses versions, aliases, executions and bad names. */
function describeStates(arn: ParsedArn): ResourceInfo {
  const context = { arn: arn.arn, service: name };
  rejectTypeCase(arn, Object.keys(TYPES), name);
  const type = Object.hasOwn(TYPES, arn.resourceType) ? TYPES[arn.resourceType] : undefined;
  if (!type || arn.resource[arn.resourceType.length] !== ':') {
    throw new UnsupportedResourceError(
      `unitag tags Step Functions state machines (arn:...:stateMachine:NAME) and activities ` +
        `(arn:...:activity:NAME); ${arn.arn} is neither (executions and map runs take no tags).`,
      context,
    );
  }
  if (arn.region === '' || !/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidArnError(
      `${arn.arn}: a Step Functions ARN names its region and 12-digit account.`,
      context,
    );
  }
  const [resourceName = '', qualifier] = arn.resourceId.split(':');
  if (arn.resourceType === 'stateMachine' && qualifier !== undefined && NAME.test(resourceName)) {
    throw new UnsupportedResourceError(
      `Step Functions does not tag state machine versions or aliases; tag the state machine itself: ` +
        `${arn.arn.slice(0, arn.arn.length - arn.resourceId.length)}${resourceName}.`,
      context,
    );
  }
  if (!NAME.test(arn.resourceId)) {
    throw new InvalidArnError(
      `${arn.arn}: "${arn.resourceId}" is not a Step Functions ${arn.resourceType} name.`,
      context,
    );
  }
  return { type, rules: DEFAULT_RULES, taggingApi: false };
}

/** `[{ key: 'a', value: '1' }]` to `{ a: '1' }`, prototype-free; an entry that is not a tag is malformed. */
function fromLowercaseTags(list: unknown[]): Tags {
  const tags = newTags();
  for (const entry of list) {
    const { key, value } = (entry ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== 'string' || (value !== undefined && typeof value !== 'string'))
      throw malformed('ListTagsForResource', 'a tag that is not a key and a string value');
    tags[key] = value ?? '';
  }
  return tags;
}
