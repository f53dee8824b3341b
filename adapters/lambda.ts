import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  type AdapterContext,
  type AdapterFactory,
  type CallOptions,
  type ClientLoader,
  type ClientScope,
  DEFAULT_RULES,
  type ListedResource,
  listMember,
  once,
  optionalTagMap,
  pages,
  rejectTypeCase,
  scopeOf,
  stringMember,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'lambda';

const sdk = once(() => import('@aws-sdk/client-lambda'));
const loader: ClientLoader<LambdaClient> = {
  id: name,
  create: async (config) => new (await sdk()).LambdaClient(config),
  reads: { ListTagsCommand: { json: ['Tags'] } },
  // Both answer 204 No Content.
  writes: { TagResourceCommand: { empty: 'json' }, UntagResourceCommand: { empty: 'json' } },
};

/** Lambda resource types that take tags, by the ARN's resource type. */
const TYPES = new Set(['function', 'event-source-mapping', 'code-signing-config']);

/**
 * Lambda functions, event-source mappings and code-signing configs: TagResource, UntagResource and ListTags,
 * all by ARN. Qualified function ARNs (version, alias, `$LATEST`) are refused before any call, as AWS
 * refuses them ("Tags on function aliases and versions are not supported").
 */
const lambda: AdapterFactory = () => ({
  name,
  describe(arn) {
    const context = { arn: arn.arn, service: name };
    rejectTypeCase(arn, TYPES, name);
    if (!TYPES.has(arn.resourceType) || arn.resourceId === '') {
      throw new UnsupportedResourceError(
        `${arn.arn} is not a Lambda function, event-source mapping or code-signing config ARN.`,
        context,
      );
    }
    if (arn.resourceType === 'function' && arn.resourceId.includes(':')) {
      throw new UnsupportedResourceError(
        `Lambda does not tag versions or aliases; tag the function itself: ${unqualified(arn.arn)}.`,
        context,
      );
    }
    // The tagging API tags functions on AWS; mappings and signing configs only through Lambda's own calls.
    return {
      type: `lambda:${arn.resourceType}`,
      rules: DEFAULT_RULES,
      taggingApi: arn.resourceType === 'function',
    };
  },
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
