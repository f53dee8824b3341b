import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  type AdapterContext,
  type AdapterFactory,
  type CallOptions,
  type ClientLoader,
  type ClientScope,
  DEFAULT_RULES,
  InvalidArnError,
  type ListedResource,
  listMember,
  once,
  optionalTagMap,
  type ParsedArn,
  pages,
  type ResourceInfo,
  rejectTypeCase,
  scopeOf,
  sdkPackage,
  stringMember,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'lambda';

const sdk = once(() => sdkPackage<typeof import('@aws-sdk/client-lambda')>('@aws-sdk/client-lambda'));
const loader: ClientLoader<LambdaClient> = {
  id: name,
  create: async (config) => new (await sdk()).LambdaClient(config),
  reads: { ListTagsCommand: { json: ['Tags'] } },
  // Both answer 204 No Content.
  writes: { TagResourceCommand: { empty: 'json' }, UntagResourceCommand: { empty: 'json' } },
};

/**
 * Lambda resource types that take tags, by the ARN's resource type: those of the TagResource action in the
 * service authorization reference (test/unit/resource-types.test.ts compares them with it).
 */
const TYPES = new Set([
  'function',
  'event-source-mapping',
  'code-signing-config',
  'capacity-provider',
  'network-connector',
  'microvm-image',
]);

/**
 * Lambda functions, event-source mappings, code-signing configs, capacity providers, network connectors and
 * MicroVM images: TagResource, UntagResource and ListTags, all by ARN. Qualified function ARNs (version, alias, `$LATEST`) are refused before any call, as AWS
 * refuses them ("Tags on function aliases and versions are not supported").
 */
const lambda: AdapterFactory = () => ({
  name,
  describe,
  permissions: () => ({
    tag: ['lambda:TagResource'],
    untag: ['lambda:UntagResource'],
    list: ['lambda:ListTags'],
  }),
  async list(ctx, arn, { signal }) {
    const [client, { ListTagsCommand }] = await Promise.all([
      ctx.client(loader, scopeOf(arn), signal),
      sdk(),
    ]);
    const out = await client.send(new ListTagsCommand({ Resource: arn.arn }), { abortSignal: signal });
    return optionalTagMap(out.Tags, 'ListTags');
  },
  async tag(ctx, arn, tags, { signal }) {
    const [client, { TagResourceCommand }] = await Promise.all([
      ctx.client(loader, scopeOf(arn), signal),
      sdk(),
    ]);
    await client.send(new TagResourceCommand({ Resource: arn.arn, Tags: tags }), { abortSignal: signal });
    return 'changed';
  },
  async untag(ctx, arn, keys, { signal }) {
    const [client, { UntagResourceCommand }] = await Promise.all([
      ctx.client(loader, scopeOf(arn), signal),
      sdk(),
    ]);
    await client.send(new UntagResourceCommand({ Resource: arn.arn, TagKeys: keys }), {
      abortSignal: signal,
    });
    return 'changed';
  },
  inventory: { types: ['lambda:function'], enumerate: listFunctions },
});

export default lambda;

/** The type of a Lambda ARN that takes tags; any other is refused before any call (see `lambda`). */
function describe(arn: ParsedArn): ResourceInfo {
  const context = { arn: arn.arn, service: name };
  rejectTypeCase(arn, TYPES, name);
  if (!TYPES.has(arn.resourceType) || arn.resourceId === '') {
    throw new UnsupportedResourceError(
      `${arn.arn} is not the ARN of a Lambda resource that takes tags (${[...TYPES].join(', ')}).`,
      context,
    );
  }
  if (arn.resourceType === 'function' && arn.resourceId.includes(':')) {
    throw new UnsupportedResourceError(
      `Lambda does not tag versions or aliases; tag the function itself: ${unqualified(arn.arn)}.`,
      context,
    );
  }
  // Only functions have qualifiers; Lambda refuses any other ARN with one as not matching its pattern.
  if (arn.resourceId.includes(':')) {
    throw new InvalidArnError(
      `Invalid ARN "${arn.arn}": a Lambda ${arn.resourceType} ARN ends with its ${arn.resourceType === 'event-source-mapping' ? 'UUID' : 'id or name'}, with nothing after it.`,
      context,
    );
  }
  // The tagging API tags functions on AWS; the other types only through Lambda's own calls.
  return {
    type: `lambda:${arn.resourceType}`,
    rules: DEFAULT_RULES,
    taggingApi: arn.resourceType === 'function',
  };
}

/** Every function of the scope's region (unqualified ARNs): ListFunctions, 50 a page, to the last page. */
async function* listFunctions(
  ctx: AdapterContext,
  scope: ClientScope,
  _types: readonly string[],
  { signal }: CallOptions,
): AsyncGenerator<ListedResource> {
  const [client, { ListFunctionsCommand }] = await Promise.all([ctx.client(loader, scope, signal), sdk()]);
  const send = (Marker: string | undefined) =>
    client.send(new ListFunctionsCommand({ MaxItems: 50, Marker }), { abortSignal: signal });
  for await (const page of pages('ListFunctions', send, (out) => out.NextMarker)) {
    for (const fn of listMember(page, 'Functions', 'ListFunctions')) {
      yield { arn: stringMember(fn, 'FunctionArn', 'ListFunctions'), type: 'lambda:function' };
    }
  }
}

function unqualified(arn: string): string {
  return arn.split(':').slice(0, 7).join(':');
}
