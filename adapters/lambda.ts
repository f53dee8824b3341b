import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  type AdapterFactory,
  type ClientLoader,
  DEFAULT_RULES,
  once,
  optionalTagMap,
  rejectTypeCase,
  scopeOf,
  UnsupportedResourceError,
} from '../src/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'lambda';

const sdk = once(() => import('@aws-sdk/client-lambda'));
const loader: ClientLoader<LambdaClient> = {
  id: name,
  create: async (config) => new (await sdk()).LambdaClient(config),
  reads: { ListTagsCommand: { json: ['Tags'] } },
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
});

export default lambda;

function unqualified(arn: string): string {
  return arn.split(':').slice(0, 7).join(':');
}
