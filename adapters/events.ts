import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
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
  listEntries,
  optionalSdk,
  type ParsedArn,
  type ResourceInfo,
  rejectTypeCase,
  requiredTagList,
  sdkPackage,
  stringMember,
  toTagList,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'events';

const sdk = optionalSdk('@aws-sdk/client-eventbridge', () =>
  sdkPackage<typeof import('@aws-sdk/client-eventbridge')>('@aws-sdk/client-eventbridge'),
);
const loader: ClientLoader<EventBridgeClient> = {
  id: name,
  create: async (config) => new (await sdk.load()).EventBridgeClient(config),
  reads: { ListTagsForResourceCommand: { json: ['Tags'] } },
  writes: { TagResourceCommand: { empty: 'json' }, UntagResourceCommand: { empty: 'json' } },
};

/** Rule names: 1-64 letters, digits, `.`, `-` and `_` (AWS's reference for PutRule). */
const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
/** Event bus names: 1-256 of the same and `/`, which only partner buses (`aws.partner/...`) hold. */
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;

/**
 * EventBridge rules (on the default bus `rule/NAME`, on another bus `rule/BUS/NAME`) and event buses
 * (`event-bus/NAME`): TagResource, UntagResource and ListTagsForResource, all by ARN.
 */
const events: AdapterFactory = () => ({
  name,
  optionalPackage: sdk,
  describe: describeEvents,
  permissions: () => ({
    tag: ['events:TagResource'],
    untag: ['events:UntagResource'],
    list: ['events:ListTagsForResource'],
  }),
  ...arnTagging({
    loader,
    load: sdk.load,
    tag: (m, ResourceARN, tags) => new m.TagResourceCommand({ ResourceARN, Tags: toTagList(tags) }),
    untag: (m, ResourceARN, TagKeys) => new m.UntagResourceCommand({ ResourceARN, TagKeys }),
    list: (m, ResourceARN) => new m.ListTagsForResourceCommand({ ResourceARN }),
    tags: (answer) => requiredTagList(answer, 'Tags', 'ListTagsForResource'),
  }),
  inventory: { types: ['events:event-bus', 'events:rule'], enumerate },
});

export default events;

/**
 * Every event bus of the scope's region (`default` and partner buses included), then every rule of each bus, as
 * `types` asks: ListEventBuses, then ListRules per bus (without a bus it lists the default bus's rules only), 100
 * a page, by NextToken. Each entry's `Arn` is the ARN unitag takes (a rule's names its bus unless it is the default
 * one). Rules that another AWS service manages are listed too.
 */
async function* enumerate(
  ctx: AdapterContext,
  scope: ClientScope,
  types: readonly string[],
  { signal }: CallOptions,
): AsyncGenerator<ListedResource> {
  const [client, api] = await Promise.all([ctx.client(loader, scope, signal), sdk.load()]);
  const buses: string[] = [];
  const listBuses = {
    operation: 'ListEventBuses',
    input: { Limit: 100 },
    token: 'NextToken',
    member: 'EventBuses',
  };
  for await (const bus of listEntries(client, api, listBuses, signal)) {
    buses.push(stringMember(bus, 'Name', 'ListEventBuses'));
    const arn = stringMember(bus, 'Arn', 'ListEventBuses');
    if (types.includes('events:event-bus')) yield { arn, type: 'events:event-bus' };
  }
  if (!types.includes('events:rule')) return;
  for (const EventBusName of buses) {
    const listRules = {
      operation: 'ListRules',
      input: { EventBusName, Limit: 100 },
      token: 'NextToken',
      member: 'Rules',
    };
    for await (const rule of listEntries(client, api, listRules, signal)) {
      yield { arn: stringMember(rule, 'Arn', 'ListRules'), type: 'events:rule' };
    }
  }
}

/** A rule's or event bus's type and rules; refuses other EventBridge ARNs and names AWS would refuse. */
function describeEvents(arn: ParsedArn): ResourceInfo {
  const context = { arn: arn.arn, service: name };
  rejectTypeCase(arn, ['rule', 'event-bus'], name);
  const slash = arn.resource[arn.resourceType.length] === '/';
  if (!slash || (arn.resourceType !== 'rule' && arn.resourceType !== 'event-bus')) {
    throw new UnsupportedResourceError(
      `unitag tags EventBridge rules (arn:...:rule/NAME, arn:...:rule/BUS/NAME) and event buses ` +
        `(arn:...:event-bus/NAME); ${arn.arn} is neither.`,
      context,
    );
  }
  if (arn.region === '' || !/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidArnError(
      `${arn.arn}: an EventBridge ARN names its region and 12-digit account.`,
      context,
    );
  }
  if (!validName(arn.resourceType, arn.resourceId)) {
    const form = arn.resourceType === 'rule' ? 'rule ([BUS/]NAME)' : 'event bus';
    throw new InvalidArnError(`${arn.arn}: "${arn.resourceId}" is not an EventBridge ${form} name.`, context);
  }
  return { type: `events:${arn.resourceType}`, rules: DEFAULT_RULES, taggingApi: false };
}

/** A rule's `[BUS/]NAME` (the bus may be a partner bus, slashes and all) or an event bus's name, as AWS takes it. */
function validName(type: string, id: string): boolean {
  const cut = type === 'rule' ? id.lastIndexOf('/') : -1;
  if (type === 'rule' && !RULE_NAME.test(id.slice(cut + 1))) return false;
  const bus = type === 'rule' ? (cut === -1 ? 'default' : id.slice(0, cut)) : id;
  return BUS_NAME.test(bus) && bus.split('/').every((segment) => segment !== '');
}
