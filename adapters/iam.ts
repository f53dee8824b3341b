import type { IAMClient } from '@aws-sdk/client-iam';
import { PARTITIONS, type ParsedArn } from '../src/arn.js';
import { once } from '../src/collections.js';
import { UnsupportedResourceError } from '../src/errors.js';
import { fromTagList, type TagPair, toTagList } from '../src/shapes.js';
import type {
  AdapterContext,
  AdapterFactory,
  CallOptions,
  ClientLoader,
  TagRules,
  Tags,
} from '../src/types.js';
import { DEFAULT_RULES } from '../src/validate.js';

/** The ARN service field this adapter serves. */
export const name = 'iam';

type Sdk = typeof import('@aws-sdk/client-iam');
const sdk = once((): Promise<Sdk> => import('@aws-sdk/client-iam'));
const loader: ClientLoader<IAMClient> = {
  id: name,
  create: async (config) => new (await sdk()).IAMClient(config),
};

interface ListOutput {
  Tags?: TagPair[] | undefined;
  IsTruncated?: boolean | undefined;
  Marker?: string | undefined;
}
// The three operations of one IAM resource type, as SDK command classes, all with the same shapes.
type Command = new (input: Record<string, unknown>) => Parameters<IAMClient['send']>[0];

/** One taggable IAM resource type: its operations and how its identifier comes from the ARN. */
interface IamType {
  tag: (api: Sdk) => unknown;
  untag: (api: Sdk) => unknown;
  list: (api: Sdk) => unknown;
  /** The request field that names the resource. */
  field: string;
  /** `name`: the last segment of the ARN's path; `arn`: the whole ARN. */
  identifier: 'name' | 'arn';
  /** AWS treats keys of users and roles case-insensitively (AWS-FACTS.md, common rules). */
  caseInsensitive?: boolean;
}

/** The eight taggable IAM resource types, by the ARN's resource type. Groups cannot be tagged. */
const TYPES: Readonly<Record<string, IamType>> = {
  user: {
    tag: (a) => a.TagUserCommand,
    untag: (a) => a.UntagUserCommand,
    list: (a) => a.ListUserTagsCommand,
    field: 'UserName',
    identifier: 'name',
    caseInsensitive: true,
  },
  role: {
    tag: (a) => a.TagRoleCommand,
    untag: (a) => a.UntagRoleCommand,
    list: (a) => a.ListRoleTagsCommand,
    field: 'RoleName',
    identifier: 'name',
    caseInsensitive: true,
  },
  policy: {
    tag: (a) => a.TagPolicyCommand,
    untag: (a) => a.UntagPolicyCommand,
    list: (a) => a.ListPolicyTagsCommand,
    field: 'PolicyArn',
    identifier: 'arn',
  },
  'instance-profile': {
    tag: (a) => a.TagInstanceProfileCommand,
    untag: (a) => a.UntagInstanceProfileCommand,
    list: (a) => a.ListInstanceProfileTagsCommand,
    field: 'InstanceProfileName',
    identifier: 'name',
  },
  'oidc-provider': {
    tag: (a) => a.TagOpenIDConnectProviderCommand,
    untag: (a) => a.UntagOpenIDConnectProviderCommand,
    list: (a) => a.ListOpenIDConnectProviderTagsCommand,
    field: 'OpenIDConnectProviderArn',
    identifier: 'arn',
  },
  'saml-provider': {
    tag: (a) => a.TagSAMLProviderCommand,
    untag: (a) => a.UntagSAMLProviderCommand,
    list: (a) => a.ListSAMLProviderTagsCommand,
    field: 'SAMLProviderArn',
    identifier: 'arn',
  },
  'server-certificate': {
    tag: (a) => a.TagServerCertificateCommand,
    untag: (a) => a.UntagServerCertificateCommand,
    list: (a) => a.ListServerCertificateTagsCommand,
    field: 'ServerCertificateName',
    identifier: 'name',
  },
  mfa: {
    tag: (a) => a.TagMFADeviceCommand,
    untag: (a) => a.UntagMFADeviceCommand,
    list: (a) => a.ListMFADeviceTagsCommand,
    field: 'SerialNumber',
    identifier: 'arn',
  },
};

const CASE_INSENSITIVE_RULES: TagRules = { ...DEFAULT_RULES, caseInsensitiveKeys: true };

/**
 * IAM users, roles, customer managed policies, instance profiles, OIDC and SAML providers, server
 * certificates and virtual MFA devices, each with its own operations (see TYPES). IAM is global: calls go to
 * the partition's global region. On users and roles keys are case-insensitive: `untag` first reads the tags,
 * so that `Project` removes a stored `project` on AWS and LocalStack alike (which is case-sensitive).
 */
const iam: AdapterFactory = () => ({
  name,
  describe(arn) {
    const type = typeOf(arn);
    return {
      type: `iam:${arn.resourceType}`,
      rules: type.caseInsensitive ? CASE_INSENSITIVE_RULES : DEFAULT_RULES,
    };
  },
  list: (ctx, arn, options) => listTags(ctx, arn, options),
  async tag(ctx, arn, tags, options) {
    // One call, as spelled: on a user or role AWS then updates a stored key that differs only in case.
    await send(ctx, arn, options, typeOf(arn).tag, { Tags: toTagList(tags) });
    return 'changed';
  },
  async untag(ctx, arn, keys, options) {
    const type = typeOf(arn);
    let request = keys;
    if (type.caseInsensitive) {
      // Remove the stored spellings of the named keys; nothing stored under any of them means nothing to do.
      const stored = storedSpellings(await listTags(ctx, arn, options));
      request = keys.flatMap((k) => stored.get(k.toLowerCase()) ?? []);
      if (request.length === 0) return 'unchanged';
    }
    await send(ctx, arn, options, type.untag, { TagKeys: request });
    return 'changed';
  },
});

export default iam;

function typeOf(arn: ParsedArn): IamType {
  const type = Object.hasOwn(TYPES, arn.resourceType) ? TYPES[arn.resourceType] : undefined;
  if (!type || arn.resourceId === '' || arn.resource.charAt(arn.resourceType.length) !== '/') {
    throw new UnsupportedResourceError(
      `${arn.arn} is not a taggable IAM resource (${Object.keys(TYPES).join(', ')}); IAM groups cannot be tagged.`,
      { arn: arn.arn, service: name },
    );
  }
  return type;
}

/** The request field's value: the name (last path segment: `user/division/team/alice` -> `alice`) or the ARN. */
function identify(arn: ParsedArn, type: IamType): string {
  return type.identifier === 'arn' ? arn.arn : (arn.resourceId.split('/').pop() as string);
}

async function send(
  ctx: AdapterContext,
  arn: ParsedArn,
  options: CallOptions,
  pick: (api: Sdk) => unknown,
  input: Record<string, unknown>,
): Promise<unknown> {
  const type = typeOf(arn);
  // IAM is global: always call it in the partition's global region (us-east-1, cn-north-1, us-gov-west-1).
  const [client, api] = await Promise.all([
    ctx.client(loader, arn, PARTITIONS[arn.partition]?.globalRegion),
    sdk(),
  ]);
  const CommandClass = pick(api) as Command;
  return client.send(new CommandClass({ [type.field]: identify(arn, type), ...input }), {
    abortSignal: options.signal,
  });
}

/** Every tag, following IsTruncated / Marker to the last page. */
async function listTags(ctx: AdapterContext, arn: ParsedArn, options: CallOptions): Promise<Tags> {
  const type = typeOf(arn);
  const pairs: TagPair[] = [];
  let Marker: string | undefined;
  do {
    const out = (await send(ctx, arn, options, type.list, Marker ? { Marker } : {})) as ListOutput;
    pairs.push(...(out.Tags ?? []));
    Marker = out.IsTruncated ? out.Marker : undefined;
  } while (Marker);
  return fromTagList(pairs);
}

function storedSpellings(tags: Tags): Map<string, string> {
  return new Map(Object.keys(tags).map((key) => [key.toLowerCase(), key]));
}
