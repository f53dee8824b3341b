import type { SFNClient } from '@aws-sdk/client-sfn';
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
  malformed,
  newTags,
  optionalSdk,
  type ParsedArn,
  pages,
  type ResourceInfo,
  rejectTypeCase,
  stringMember,
  type Tags,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'states';

const sdk = optionalSdk('@aws-sdk/client-sfn', () => import('@aws-sdk/client-sfn'));
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

/** The types the inventory lists: each one's list call (1000 a page, by nextToken), list member and ARN member. */
const LISTED: Readonly<Record<string, { operation: string; member: string; arn: string }>> = {
  'states:stateMachine': { operation: 'ListStateMachines', member: 'stateMachines', arn: 'stateMachineArn' },
  'states:activity': { operation: 'ListActivities', member: 'activities', arn: 'activityArn' },
};

// The inventory's list operations, as SDK command classes.
type Command = new (input: Record<string, unknown>) => Parameters<SFNClient['send']>[0];

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
  inventory: { types: Object.keys(LISTED), enumerate },
});

export default states;

/**
 * Every state machine and activity of the scope's region, as `types` asks, by the ARN each entry carries (a state
 * machine's unqualified: its versions and aliases are not listed).
 */
async function* enumerate(
  ctx: AdapterContext,
  scope: ClientScope,
  types: readonly string[],
  { signal }: CallOptions,
): AsyncGenerator<ListedResource> {
  const [client, api] = await Promise.all([ctx.client(loader, scope, signal), sdk.load()]);
  for (const [type, { operation, member, arn }] of Object.entries(LISTED)) {
    if (!types.includes(type)) continue;
    const CommandClass = (api as unknown as Record<string, Command>)[`${operation}Command`] as Command;
    const send = (nextToken: string | undefined) =>
      client.send(new CommandClass({ maxResults: 1000, nextToken }), { abortSignal: signal }) as Promise<{
        nextToken?: unknown;
      }>;
    for await (const page of pages(operation, send, (out) => out.nextToken)) {
      for (const entry of listMember(page, member, operation)) {
        yield { arn: stringMember(entry, arn, operation), type };
      }
    }
  }
}

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
