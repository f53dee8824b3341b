import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  type AdapterContext,
  type AdapterFactory,
  awsErrorName,
  type ClientLoader,
  DEFAULT_RULES,
  InvalidArnError,
  newTags,
  optionalSdk,
  PARTITIONS,
  type ParsedArn,
  pages,
  type ResourceInfo,
  rejectTypeCase,
  requiredTagList,
  scopeOf,
  sdkPackage,
  toTagList,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'organizations';

type Sdk = typeof import('@aws-sdk/client-organizations');
const sdk = optionalSdk(
  '@aws-sdk/client-organizations',
  (): Promise<Sdk> => sdkPackage<Sdk>('@aws-sdk/client-organizations'),
);
const loader: ClientLoader<OrganizationsClient> = {
  id: name,
  create: async (config) => new (await sdk.load()).OrganizationsClient(config),
  reads: { ListTagsForResourceCommand: { json: ['Tags', 'NextToken'] } },
  // Both outputs have no member: AWS answers an empty body (or `{}`).
  writes: { TagResourceCommand: { empty: 'json' }, UntagResourceCommand: { empty: 'json' } },
};

// The id patterns of AWS's API reference (docs/aws-facts.md, AWS Organizations).
const ORG = 'o-[a-z0-9]{10,32}';
/** Each taggable type, by the ARN's resource type: its resource part, the id the calls take captured, and its form. */
const TYPES: Readonly<Record<string, { pattern: RegExp; form: string }>> = {
  account: { pattern: new RegExp(`^${ORG}/(\\d{12})$`), form: 'account/o-ORG/ACCOUNT-ID' },
  ou: {
    pattern: new RegExp(`^${ORG}/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`),
    form: 'ou/o-ORG/ou-ROOT-OU',
  },
  root: { pattern: new RegExp(`^${ORG}/(r-[0-9a-z]{4,32})$`), form: 'root/o-ORG/r-ROOT' },
  policy: {
    pattern: new RegExp(`^${ORG}/[0-9a-z_]+/(p-[0-9a-zA-Z_]{8,128})$`),
    form: 'policy/o-ORG/POLICY-TYPE/p-POLICY',
  },
};

/**
 * Organizations is global, with one endpoint a partition: the partition's global region, except in China, where
 * it is cn-northwest-1 (the SDK's endpoint rules send cn-north-1 there too; naming it keeps one client).
 */
const ENDPOINT_REGION: Readonly<Record<string, string>> = { 'aws-cn': 'cn-northwest-1' };

/**
 * AWS Organizations accounts, organizational units, roots and policies: TagResource, UntagResource and
 * ListTagsForResource (paged by NextToken), each naming the resource by its id (`123456789012`, `ou-...`,
 * `r-...`, `p-...`), which is unique across AWS. The calls go to the partition's one endpoint, and answer only
 * in the organization's management account (the account the ARN names) or a delegated administrator account:
 * an access denial says so. AWS managed policies (account `aws`) cannot be tagged.
 */
const organizations: AdapterFactory = () => ({
  name,
  optionalPackage: sdk,
  describe: describeOrganizations,
  permissions: () => ({
    tag: ['organizations:TagResource'],
    untag: ['organizations:UntagResource'],
    list: ['organizations:ListTagsForResource'],
  }),
  async list(ctx, arn, { signal }) {
    const ResourceId = resourceId(arn);
    const [client, api] = await connect(ctx, arn, signal);
    const send = (NextToken: string | undefined) =>
      call(arn, () =>
        client.send(new api.ListTagsForResourceCommand({ ResourceId, NextToken }), { abortSignal: signal }),
      );
    const tags = newTags();
    // AWS may answer a page without tags that is not the last: only the absence of NextToken ends the list.
    for await (const page of pages('ListTagsForResource', send, (out) => out.NextToken)) {
      Object.assign(tags, requiredTagList(page, 'Tags', 'ListTagsForResource'));
    }
    return tags;
  },
  async tag(ctx, arn, tags, { signal }) {
    const ResourceId = resourceId(arn);
    const [client, api] = await connect(ctx, arn, signal);
    const command = new api.TagResourceCommand({ ResourceId, Tags: toTagList(tags) });
    await call(arn, () => client.send(command, { abortSignal: signal }));
    return 'changed';
  },
  async untag(ctx, arn, keys, { signal }) {
    const ResourceId = resourceId(arn);
    const [client, api] = await connect(ctx, arn, signal);
    const command = new api.UntagResourceCommand({ ResourceId, TagKeys: keys });
    await call(arn, () => client.send(command, { abortSignal: signal }));
    return 'changed';
  },
});

export default organizations;

/** The type and rules of an Organizations ARN; refuses what cannot be tagged, and malformed ids, before any call. */
function describeOrganizations(arn: ParsedArn): ResourceInfo {
  resourceId(arn);
  return { type: `organizations:${arn.resourceType}`, rules: DEFAULT_RULES, taggingApi: false };
}

/** The id the calls name the resource by; throws `UnsupportedResource` or `InvalidArn` as `describe` does. */
function resourceId(arn: ParsedArn): string {
  const context = { arn: arn.arn, service: name };
  rejectTypeCase(arn, Object.keys(TYPES), name);
  if (arn.accountId === 'aws' && arn.resourceType === 'policy') {
    throw new UnsupportedResourceError(
      `${arn.arn} is an AWS managed policy (account "aws"): AWS Organizations does not tag those. Tag the ` +
        'policies of your organization, whose ARN names its management account.',
      context,
    );
  }
  const type = Object.hasOwn(TYPES, arn.resourceType) ? TYPES[arn.resourceType] : undefined;
  if (!type) {
    throw new UnsupportedResourceError(
      `${arn.arn} is not an AWS Organizations resource that unitag tags: accounts, organizational units (ou), ` +
        'roots and policies.',
      context,
    );
  }
  // `account/o-.../...`: a `:` after the type names no Organizations resource.
  const slash = arn.resource.charAt(arn.resourceType.length) === '/';
  const id = slash ? type.pattern.exec(arn.resourceId)?.[1] : undefined;
  if (arn.region !== '' || !/^\d{12}$/.test(arn.accountId) || id === undefined) {
    throw new InvalidArnError(
      `Invalid ARN "${arn.arn}": an AWS Organizations ${arn.resourceType} ARN is ` +
        `arn:${arn.partition}:organizations::MANAGEMENT-ACCOUNT:${type.form}, with an empty region and the ids ` +
        'AWS gives (o- and 10-32 lower-case letters or digits for the organization).',
      context,
    );
  }
  return id;
}

function connect(ctx: AdapterContext, arn: ParsedArn, signal: AbortSignal | undefined) {
  const region = ENDPOINT_REGION[arn.partition] ?? PARTITIONS[arn.partition]?.globalRegion ?? '';
  return Promise.all([ctx.client(loader, scopeOf(arn, region), signal), sdk.load()]);
}

/**
 * Sends one request, and adds to an error what AWS's own leaves unsaid: which accounts may call (an access
 * denial, credentials of an account outside any organization), and the reason Organizations gives apart from
 * its message (MAX_TAG_LIMIT_EXCEEDED, TAG_POLICY_VIOLATION, ...), which the core reads.
 */
async function call<T>(arn: ParsedArn, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const reason = (error as { Reason?: unknown }).Reason;
    if (typeof reason === 'string' && !error.message.includes(reason))
      error.message = `${error.message} (${reason})`;
    const code = awsErrorName(error);
    const note = Object.hasOwn(NOTES, code) ? NOTES[code]?.(arn.accountId) : undefined;
    if (note) error.message = `${error.message.replace(/\.?\s*$/, '.')} ${note}`;
    throw error;
  }
}

const NOTES: Readonly<Record<string, (management: string) => string>> = {
  AccessDeniedException: (management) =>
    'AWS Organizations takes tag calls only from its management account (the ARN names ' +
    `${management}) or from a member account registered as a delegated administrator: use credentials of ` +
    'one of them',
  AWSOrganizationsNotInUseException: (management) =>
    'The credentials in use act in an account that is in no organization: use credentials of the management ' +
    `account ${management} or of a delegated administrator`,
};
