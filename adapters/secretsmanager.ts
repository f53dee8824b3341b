import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  type AdapterContext,
  type AdapterFactory,
  type ClientLoader,
  DEFAULT_RULES,
  entryTags,
  InvalidArnError,
  type Listing,
  listedInventory,
  malformed,
  optionalSdk,
  type ParsedArn,
  type ResourceInfo,
  ResourceNotFoundError,
  scopeOf,
  sdkPackage,
  stringMember,
  toTagList,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'secretsmanager';

const sdk = optionalSdk('@aws-sdk/client-secrets-manager', () =>
  sdkPackage<typeof import('@aws-sdk/client-secrets-manager')>('@aws-sdk/client-secrets-manager'),
);
// DescribeSecret is the tag read, but its answer describes the whole secret and gains members as Secrets Manager
// grows, so no `reads` list of its members: `list` instead requires the answer to name the secret's own ARN.
const loader: ClientLoader<SecretsManagerClient> = {
  id: name,
  create: async (config) => new (await sdk.load()).SecretsManagerClient(config),
  writes: { TagResourceCommand: { empty: 'json' }, UntagResourceCommand: { empty: 'json' } },
};

/**
 * A complete secret ARN's resource id: the name (1 to 512 letters, digits and `/_+=.@-`), a hyphen and the six
 * random characters Secrets Manager appends. Without that suffix an ARN is partial, and Secrets Manager would
 * look it up by prefix.
 */
const SECRET_ID = /^[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6}$/;

/**
 * What the inventory lists: every secret of the scope's region (not those scheduled for deletion), ListSecrets,
 * 100 a page. Each entry carries the secret's complete ARN and its tags as DescribeSecret gives them (left out when
 * there are none), so no tag read follows.
 */
const LISTED: Readonly<Record<string, Listing>> = {
  'secretsmanager:secret': {
    operation: 'ListSecrets',
    input: { MaxResults: 100 },
    token: 'NextToken',
    member: 'SecretList',
    arn: (secret) => stringMember(secret, 'ARN', 'ListSecrets'),
    tags: (secret) => entryTags(secret, 'Tags', 'ListSecrets'),
  },
};

/**
 * Secrets Manager secrets: TagResource, UntagResource, and DescribeSecret to read (Secrets Manager has no
 * tag-list call), all naming the secret by its complete ARN.
 */
const secretsmanager: AdapterFactory = () => ({
  name,
  optionalPackage: sdk,
  describe: describeSecret,
  permissions: () => ({
    tag: ['secretsmanager:TagResource'],
    untag: ['secretsmanager:UntagResource'],
    list: ['secretsmanager:DescribeSecret'],
  }),
  async list(ctx, arn, { signal }) {
    const [client, { DescribeSecretCommand }] = await connect(ctx, arn, signal);
    const out = await client.send(new DescribeSecretCommand({ SecretId: arn.arn }), { abortSignal: signal });
    // Secrets Manager leaves Tags out when the secret has none, so only the secret's ARN, which every answer
    // carries, tells "no tags" from an answer that is not DescribeSecret's.
    if (typeof out.ARN !== 'string' || out.ARN === '') throw malformed('DescribeSecret', 'no ARN');
    if (out.ARN !== arn.arn) {
      throw new ResourceNotFoundError(
        `No secret has the ARN ${arn.arn}: Secrets Manager answered for ${out.ARN}. Use the secret's complete ARN.`,
        { arn: arn.arn, service: name },
      );
    }
    return entryTags(out, 'Tags', 'DescribeSecret');
  },
  async tag(ctx, arn, tags, { signal }) {
    const [client, { TagResourceCommand }] = await connect(ctx, arn, signal);
    await client.send(new TagResourceCommand({ SecretId: arn.arn, Tags: toTagList(tags) }), {
      abortSignal: signal,
    });
    return 'changed';
  },
  async untag(ctx, arn, keys, { signal }) {
    const [client, { UntagResourceCommand }] = await connect(ctx, arn, signal);
    await client.send(new UntagResourceCommand({ SecretId: arn.arn, TagKeys: keys }), {
      abortSignal: signal,
    });
    return 'changed';
  },
  inventory: listedInventory({ service: name, loader, load: sdk.load, listings: LISTED }),
});

export default secretsmanager;

/** A secret ARN's type and rules; refuses anything but a complete `secret:NAME-XXXXXX` ARN, before any call. */
function describeSecret(arn: ParsedArn): ResourceInfo {
  const context = { arn: arn.arn, service: name };
  if (!arn.resource.startsWith('secret:')) {
    throw new UnsupportedResourceError(
      `${arn.arn} is not a Secrets Manager secret ARN (arn:aws:secretsmanager:region:account:secret:NAME-AbCdEf).`,
      context,
    );
  }
  if (!SECRET_ID.test(arn.resourceId) || arn.region === '' || !/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidArnError(
      `${arn.arn} is not a complete secret ARN: it names a region, a 12-digit account, and the secret's name ` +
        'followed by "-" and the six characters Secrets Manager added (as DescribeSecret or ListSecrets print it).',
      context,
    );
  }
  return { type: 'secretsmanager:secret', rules: DEFAULT_RULES, taggingApi: false };
}

function connect(ctx: AdapterContext, arn: ParsedArn, signal: AbortSignal | undefined) {
  return Promise.all([ctx.client(loader, scopeOf(arn), signal), sdk.load()]);
}
