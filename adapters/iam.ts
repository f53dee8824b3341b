import type { IAMClient } from '@aws-sdk/client-iam';
import {
  type Adapter,
  type AdapterContext,
  type AdapterFactory,
  type CallOptions,
  type ClientLoader,
  type ClientScope,
  DEFAULT_RULES,
  fromTagList,
  hasTag,
  InvalidArnError,
  type ListedResource,
  listMember,
  malformed,
  once,
  PARTITIONS,
  type ParsedArn,
  pages,
  ResourceNotFoundError,
  rejectTypeCase,
  requiredTagList,
  scopeOf,
  sdkPackage,
  stringMember,
  type TagPair,
  type TagRules,
  type Tags,
  toTagList,
  UnsupportedResourceError,
} from '../src/core/kit.js';
import { RecentReads } from './iam-reads.js';
import { type IamType, TYPES } from './iam-types.js';

/** The ARN service field this adapter serves. */
export const name = 'iam';

type Sdk = typeof import('@aws-sdk/client-iam');
const sdk = once((): Promise<Sdk> => sdkPackage<Sdk>('@aws-sdk/client-iam'));
const loader: ClientLoader<IAMClient> = {
  id: name,
  create: async (config) => new (await sdk()).IAMClient(config),
  // Query-protocol answers: the root element is the operation's name and `Response`.
  reads: Object.fromEntries(
    [
      'GetUser',
      'GetRole',
      'GetInstanceProfile',
      'GetServerCertificate',
      'ListPolicyTags',
      'ListOpenIDConnectProviderTags',
      'ListSAMLProviderTags',
      'ListMFADeviceTags',
    ].map((operation) => [`${operation}Command`, { xml: `${operation}Response` }]),
  ),
  writes: Object.fromEntries(
    [
      'User',
      'Role',
      'InstanceProfile',
      'ServerCertificate',
      'Policy',
      'OpenIDConnectProvider',
      'SAMLProvider',
      'MFADevice',
    ]
      .flatMap((type) => [`Tag${type}`, `Untag${type}`])
      .map((operation) => [`${operation}Command`, { xml: `${operation}Response` }]),
  ),
  // Users, roles, instance profiles and server certificates are named without their account.
  namesWithoutAccount: true,
};

interface ListOutput {
  Tags?: TagPair[] | undefined;
  IsTruncated?: boolean | undefined;
  Marker?: string | undefined;
}
// The operations of one IAM resource type, as SDK command classes, all with the same shapes.
type Command = new (input: Record<string, unknown>) => Parameters<IAMClient['send']>[0];

const CASE_INSENSITIVE_RULES: TagRules = { ...DEFAULT_RULES, caseInsensitiveKeys: true };

/** The IAM types the inventory lists, each with its List operation and the answer's list member. */
const LISTED: Readonly<
  Record<string, { operation: string; member: string; input?: Record<string, unknown> }>
> = {
  'iam:role': { operation: 'ListRoles', member: 'Roles' },
  'iam:user': { operation: 'ListUsers', member: 'Users' },
  'iam:policy': { operation: 'ListPolicies', member: 'Policies', input: { Scope: 'Local' } },
};

/** IAM names: letters, digits and `+=,.@_-` (AWS's pattern for user, role, profile and certificate names). */
const ENTITY_NAME = /^[\w+=,.@-]+$/;

/**
 * IAM users, roles, customer managed policies, instance profiles, OIDC and SAML providers, server
 * certificates and virtual MFA devices (see TYPES). IAM is global: calls go to the partition's global region.
 *
 * Users, roles, instance profiles and server certificates are named by name alone, so every write first reads
 * the entity (GetUser, GetRole, ...: path, name and tags in one answer) and acts only when its path and name
 * are the ARN's: `role/other/R` never acts on `role/team/R`. On users and roles keys are case-insensitive:
 * a write uses the spelling the entity has stored (`tag` of `department` on a user carrying `Department`
 * updates `Department`), and `untag(['Project'])` removes a stored `project`. The other types are named by
 * their ARN, which IAM matches whole: one call per write.
 */
const iam: AdapterFactory = () => adapter(new RecentReads());

const adapter = (reads: RecentReads): Adapter => ({
  name,
  describe(arn) {
    const type = typeOf(arn);
    return {
      type: `iam:${arn.resourceType}`,
      rules: type.caseInsensitive ? CASE_INSENSITIVE_RULES : DEFAULT_RULES,
    };
  },
  // Writes to the types named by name read the entity first; the core checks the account with STS (IAM names
  // users and roles without their account).
  permissions(arn) {
    const type = typeOf(arn);
    const read = `iam:${type.get?.operation ?? type.list}`;
    const sts = 'sts:GetCallerIdentity';
    const before = type.get ? [read] : [];
    return {
      tag: [...before, `iam:${type.tag}`, sts],
      untag: [...before, `iam:${type.untag}`, sts],
      list: [read, sts],
    };
  },
  list: (ctx, arn, options) => listTags(ctx, arn, options, reads),
  tag: (ctx, arn, tags, options) => change(ctx, arn, tags, [], options, reads),
  untag: (ctx, arn, keys, options) => change(ctx, arn, {}, keys, options, reads),
  change: (ctx, arn, set, remove, options) => change(ctx, arn, set, remove, options, reads),
  inventory: { types: Object.keys(LISTED), global: true, enumerate },
});

export default iam;

/**
 * Every role, user and customer managed policy (`Scope: Local`: AWS managed policies cannot be tagged) of the
 * account, as `types` asks: ListRoles, ListUsers, ListPolicies, 1000 a page, following Marker while IsTruncated.
 */
async function* enumerate(
  ctx: AdapterContext,
  scope: ClientScope,
  types: readonly string[],
  { signal }: CallOptions,
): AsyncGenerator<ListedResource> {
  const global = { ...scope, region: PARTITIONS[scope.partition]?.globalRegion ?? '' };
  const [client, api] = await Promise.all([ctx.client(loader, global, signal), sdk()]);
  for (const [type, { operation, member, input }] of Object.entries(LISTED)) {
    if (!types.includes(type)) continue;
    const CommandClass = (api as unknown as Record<string, Command>)[`${operation}Command`] as Command;
    const send = (Marker: string | undefined) =>
      client.send(new CommandClass({ ...input, MaxItems: 1000, Marker }), {
        abortSignal: signal,
      }) as Promise<ListOutput>;
    for await (const page of pages(operation, send, (out) => nextMarker(out, operation))) {
      for (const entity of listMember(page, member, operation)) {
        yield { arn: stringMember(entity, 'Arn', operation), type };
      }
    }
  }
}

/** The Marker of the next page while the answer is truncated; a truncated answer without one is malformed. */
function nextMarker(out: ListOutput, operation: string): string | undefined {
  if (!out.IsTruncated) return undefined;
  if (!out.Marker) throw malformed(operation, 'IsTruncated without a Marker');
  return out.Marker;
}

/**
 * Sets `set` and removes `remove`; on types named by name, after reading the entity (see `iam`), or, for the
 * write of a plan, with the read the plan was made from when it is recent (see `RecentReads`).
 */
async function change(
  ctx: AdapterContext,
  arn: ParsedArn,
  set: Tags,
  remove: string[],
  options: CallOptions,
  reads: RecentReads,
): Promise<'changed' | 'unchanged'> {
  const type = typeOf(arn);
  let tags = toTagList(set);
  let keys = remove;
  if (type.get) {
    const planned = options.planned ? reads.take(arn.arn) : undefined;
    const current = planned ?? (await readEntity(ctx, arn, type, options));
    // Where keys ignore case, `Team` and `team` are one key: act on the spelling the entity has stored.
    const fold = (key: string) => (type.caseInsensitive ? key.toLowerCase() : key);
    const stored = new Map(Object.keys(current).map((key) => [fold(key), key]));
    tags = tags
      .map(({ Key, Value }) => ({ Key: stored.get(fold(Key)) ?? Key, Value }))
      .filter(({ Key, Value }) => !hasTag(current, Key) || current[Key] !== Value);
    keys = [...new Set(remove.flatMap((key) => stored.get(fold(key)) ?? []))];
  }
  if (tags.length === 0 && keys.length === 0) return 'unchanged';
  reads.writing(arn.arn);
  try {
    if (tags.length > 0) await send(ctx, arn, options, type.tag, { Tags: tags });
    if (keys.length > 0) await send(ctx, arn, options, type.untag, { TagKeys: keys });
  } finally {
    reads.writing(arn.arn);
  }
  return 'changed';
}

function typeOf(arn: ParsedArn): IamType {
  // IAM is global: its ARNs leave the region field empty (docs/aws-facts.md, ARNs). One with a region names no IAM
  // resource; IAM would act on the entity of that name all the same, so it is refused before any call.
  if (arn.region !== '') {
    throw new InvalidArnError(
      `Invalid ARN "${arn.arn}": IAM ARNs have an empty region field (arn:aws:iam::123456789012:role/name); remove "${arn.region}".`,
      { arn: arn.arn, service: name },
    );
  }
  rejectTypeCase(arn, Object.keys(TYPES), name);
  const type = Object.hasOwn(TYPES, arn.resourceType) ? TYPES[arn.resourceType] : undefined;
  if (!type || arn.resourceId === '' || arn.resource.charAt(arn.resourceType.length) !== '/') {
    throw new UnsupportedResourceError(
      `${arn.arn} is not a taggable IAM resource (${Object.keys(TYPES).join(', ')}); IAM groups cannot be tagged.`,
      { arn: arn.arn, service: name },
    );
  }
  // Every taggable IAM resource lives in an account (AWS managed policies, `aws`, cannot be tagged): an ARN
  // without one would act on the credentials' own account, which it does not name.
  if (!/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidArnError(
      `Invalid ARN "${arn.arn}": a taggable IAM resource's ARN names its 12-digit account.`,
      {
        arn: arn.arn,
        service: name,
      },
    );
  }
  if (type.get && !ENTITY_NAME.test(entityName(arn))) {
    throw new InvalidArnError(
      `Invalid ARN "${arn.arn}": "${entityName(arn)}" is not an IAM name (letters, digits and +=,.@_-).`,
      { arn: arn.arn, service: name },
    );
  }
  return type;
}

/** The last segment of the ARN's path: `role/division/team/R` -> `R`. */
function entityName(arn: ParsedArn): string {
  return arn.resourceId.slice(arn.resourceId.lastIndexOf('/') + 1);
}

/** The path the ARN names: `role/division/team/R` -> `/division/team/`; `role/R` -> `/`. */
function entityPath(arn: ParsedArn): string {
  const cut = arn.resourceId.lastIndexOf('/');
  return cut === -1 ? '/' : `/${arn.resourceId.slice(0, cut + 1)}`;
}

async function send(
  ctx: AdapterContext,
  arn: ParsedArn,
  options: CallOptions,
  operation: string,
  input: Record<string, unknown>,
): Promise<unknown> {
  const type = typeOf(arn);
  // IAM is global: always call it in the partition's global region (us-east-1, cn-north-1, us-gov-west-1).
  const [client, api] = await Promise.all([
    ctx.client(loader, scopeOf(arn, PARTITIONS[arn.partition]?.globalRegion ?? ''), options.signal),
    sdk(),
  ]);
  const CommandClass = (api as unknown as Record<string, Command>)[`${operation}Command`] as Command;
  const id = type.get ? entityName(arn) : arn.arn;
  return client.send(new CommandClass({ [type.field]: id, ...input }), { abortSignal: options.signal });
}

/** Every tag: from the entity (types named by name), or List*Tags to the last page (types named by ARN). */
async function listTags(
  ctx: AdapterContext,
  arn: ParsedArn,
  options: CallOptions,
  reads: RecentReads,
): Promise<Tags> {
  const type = typeOf(arn);
  if (type.get) {
    const started = reads.begin();
    const tags = await readEntity(ctx, arn, type, options);
    reads.keep(arn.arn, tags, started);
    return tags;
  }
  const operation = type.list as string;
  const pairs: TagPair[] = [];
  let Marker: string | undefined;
  do {
    const out = (await send(ctx, arn, options, operation, Marker ? { Marker } : {})) as ListOutput;
    pairs.push(...toTagList(requiredTagList(out, 'Tags', operation)));
    Marker = out.IsTruncated ? out.Marker : undefined;
  } while (Marker);
  return fromTagList(pairs);
}

/**
 * The tags of an entity named by name, from its Get operation, after checking that its path and name are the
 * ARN's. Any other entity is not the one the ARN names: `ResourceNotFound`, and nothing is written.
 */
async function readEntity(ctx: AdapterContext, arn: ParsedArn, type: IamType, options: CallOptions) {
  const get = type.get as NonNullable<IamType['get']>;
  const operation = get.operation;
  const out = (await send(ctx, arn, options, operation, {})) as Record<string, unknown>;
  const found = out[get.field];
  if (typeof found !== 'object' || found === null) throw malformed(operation, `no ${get.field}`);
  const entity = get.read(found as Record<string, unknown>);
  if (typeof entity.path !== 'string' || typeof entity.name !== 'string') {
    throw malformed(operation, `a ${get.field} without its path and name`);
  }
  if (entity.path !== entityPath(arn) || entity.name !== entityName(arn)) {
    throw new ResourceNotFoundError(
      `No IAM ${arn.resourceType} has the ARN ${arn.arn}: the ${arn.resourceType} named "${entityName(arn)}" is ` +
        `${arn.resourceType}${entity.path}${entity.name}. Use its ARN; unitag does not act on an entity at another path.`,
      { arn: arn.arn, service: name },
    );
  }
  // IAM leaves Tags out of the entity when it has none; the client has refused an empty body already.
  if (entity.tags !== undefined && !Array.isArray(entity.tags))
    throw malformed(operation, 'Tags that are not a list');
  return fromTagList(entity.tags as TagPair[] | undefined, operation);
}
