import type { ResourceTypeForTagging, SSMClient } from '@aws-sdk/client-ssm';
import {
  type AdapterContext,
  type AdapterFactory,
  type ClientLoader,
  DEFAULT_RULES,
  InvalidArnError,
  type Listing,
  listedInventory,
  optionalSdk,
  type ParsedArn,
  type ResourceInfo,
  rejectTypeCase,
  requiredTagList,
  scopeOf,
  sdkPackage,
  stringMember,
  toTagList,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'ssm';

const sdk = optionalSdk('@aws-sdk/client-ssm', () =>
  sdkPackage<typeof import('@aws-sdk/client-ssm')>('@aws-sdk/client-ssm'),
);
const loader: ClientLoader<SSMClient> = {
  id: name,
  create: async (config) => new (await sdk.load()).SSMClient(config),
  reads: { ListTagsForResourceCommand: { json: ['TagList'] } },
  writes: { AddTagsToResourceCommand: { empty: 'json' }, RemoveTagsFromResourceCommand: { empty: 'json' } },
  // unitag names these resources by name or id, which carry no account: the account is checked before any call.
  namesWithoutAccount: true,
};

/** One taggable Systems Manager resource type: its `ResourceType` and the syntax of its id in the ARN. */
interface SsmType {
  resourceType: ResourceTypeForTagging;
  id: RegExp;
  /** What the ARN's id must look like, for the refusal's message. */
  shape: string;
}

/**
 * The types unitag tags, by the ARN's resource type. A parameter's ARN holds its name without the leading
 * slash: segments of letters, digits and `_.-`, at most 15 levels.
 */
const TYPES: Readonly<Record<string, SsmType>> = {
  parameter: {
    resourceType: 'Parameter',
    id: /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,14}$/,
    shape: 'a parameter name: up to 15 levels of letters, digits, _ . and -, separated by /',
  },
  document: {
    resourceType: 'Document',
    id: /^[A-Za-z0-9_.-]{3,128}$/,
    shape: 'a document name: 3 to 128 letters, digits, _ . and -',
  },
  maintenancewindow: {
    resourceType: 'MaintenanceWindow',
    id: /^mw-[0-9a-f]{17}$/,
    shape: 'a maintenance window id: mw- and 17 hex digits',
  },
  patchbaseline: {
    resourceType: 'PatchBaseline',
    id: /^pb-[0-9a-f]{17}$/,
    shape: 'a patch baseline id: pb- and 17 hex digits',
  },
};

/**
 * The types the inventory lists: each one's list call (paged by NextToken), what it asks (its largest page;
 * documents and patch baselines owned by the account, as AWS's own and those shared with the account cannot be
 * tagged by it), the answer's list member, and the ARN's resource part, from each entry's name or id (a
 * parameter's without its leading slash: `/a/b` is `parameter/a/b`).
 */
const LISTED: Readonly<Record<string, Listing>> = {
  'ssm:parameter': {
    operation: 'DescribeParameters',
    input: { MaxResults: 50 },
    token: 'NextToken',
    member: 'Parameters',
    resource: (entry) => `parameter/${stringMember(entry, 'Name', 'DescribeParameters').replace(/^\//, '')}`,
  },
  'ssm:document': {
    operation: 'ListDocuments',
    input: { MaxResults: 50, Filters: [{ Key: 'Owner', Values: ['Self'] }] },
    token: 'NextToken',
    member: 'DocumentIdentifiers',
    resource: (entry) => `document/${stringMember(entry, 'Name', 'ListDocuments')}`,
  },
  'ssm:maintenancewindow': {
    operation: 'DescribeMaintenanceWindows',
    input: { MaxResults: 100 },
    token: 'NextToken',
    member: 'WindowIdentities',
    resource: (entry) => `maintenancewindow/${stringMember(entry, 'WindowId', 'DescribeMaintenanceWindows')}`,
  },
  'ssm:patchbaseline': {
    operation: 'DescribePatchBaselines',
    input: { MaxResults: 100, Filters: [{ Key: 'OWNER', Values: ['Self'] }] },
    token: 'NextToken',
    member: 'BaselineIdentities',
    resource: (entry) => `patchbaseline/${stringMember(entry, 'BaselineId', 'DescribePatchBaselines')}`,
  },
};

/** The longest parameter ARN: AWS counts the ARN's prefix in a parameter name's 1011 characters. */
const MAX_PARAMETER_ARN = 1011;

/**
 * Systems Manager parameters, documents, maintenance windows and patch baselines: AddTagsToResource,
 * RemoveTagsFromResource and ListTagsForResource, each naming the resource by its type and its name or id.
 */
const ssm: AdapterFactory = () => ({
  name,
  optionalPackage: sdk,
  describe: describeResource,
  // Systems Manager names resources without their account: the core checks the credentials' account with STS.
  permissions: () => ({
    tag: ['ssm:AddTagsToResource', 'sts:GetCallerIdentity'],
    untag: ['ssm:RemoveTagsFromResource', 'sts:GetCallerIdentity'],
    list: ['ssm:ListTagsForResource', 'sts:GetCallerIdentity'],
  }),
  async list(ctx, arn, { signal }) {
    const [client, { ListTagsForResourceCommand }] = await connect(ctx, arn, signal);
    const out = await client.send(new ListTagsForResourceCommand(resourceOf(arn)), { abortSignal: signal });
    // ListTagsForResource is not paged: one answer carries every tag.
    return requiredTagList(out, 'TagList', 'ListTagsForResource');
  },
  async tag(ctx, arn, tags, { signal }) {
    const [client, { AddTagsToResourceCommand }] = await connect(ctx, arn, signal);
    await client.send(new AddTagsToResourceCommand({ ...resourceOf(arn), Tags: toTagList(tags) }), {
      abortSignal: signal,
    });
    return 'changed';
  },
  async untag(ctx, arn, keys, { signal }) {
    const [client, { RemoveTagsFromResourceCommand }] = await connect(ctx, arn, signal);
    await client.send(new RemoveTagsFromResourceCommand({ ...resourceOf(arn), TagKeys: keys }), {
      abortSignal: signal,
    });
    return 'changed';
  },
  inventory: listedInventory({ service: name, loader, load: sdk.load, listings: LISTED }),
});

export default ssm;

/** An SSM ARN's type and rules; refuses other types and ids that name no resource, before any call. */
function describeResource(arn: ParsedArn): ResourceInfo {
  const context = { arn: arn.arn, service: name };
  rejectTypeCase(arn, Object.keys(TYPES), name);
  const type = typeOf(arn);
  if (!type || arn.resource[arn.resourceType.length] !== '/') {
    throw new UnsupportedResourceError(
      `unitag tags Systems Manager parameters, documents, maintenance windows and patch baselines ` +
        `(parameter/NAME, document/NAME, maintenancewindow/mw-ID, patchbaseline/pb-ID); ${arn.arn} is none of them.`,
      context,
    );
  }
  if (arn.region === '' || !/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidArnError(
      `${arn.arn}: unitag tags Systems Manager resources of an account, so the ARN names a region and a 12-digit ` +
        "account (AWS's public parameters and documents cannot be tagged).",
      context,
    );
  }
  const tooLong = arn.resourceType === 'parameter' && arn.arn.length > MAX_PARAMETER_ARN;
  if (!type.id.test(arn.resourceId) || tooLong) {
    throw new InvalidArnError(`${arn.arn}: "${arn.resourceId}" is not ${type.shape}.`, context);
  }
  return { type: `ssm:${arn.resourceType}`, rules: DEFAULT_RULES, taggingApi: false };
}

function typeOf(arn: ParsedArn): SsmType | undefined {
  return Object.hasOwn(TYPES, arn.resourceType) ? TYPES[arn.resourceType] : undefined;
}

/**
 * The `ResourceType` and `ResourceId` Systems Manager takes for an ARN: a parameter by its name (`/a/b` for
 * `parameter/a/b`; a one-level name has no slash: `name` for `parameter/name`), a document by its name, a
 * maintenance window or patch baseline by its id.
 */
function resourceOf(arn: ParsedArn): { ResourceType: ResourceTypeForTagging; ResourceId: string } {
  const { resourceType } = typeOf(arn) as SsmType;
  const id = arn.resourceId;
  const ResourceId = resourceType === 'Parameter' && id.includes('/') ? `/${id}` : id;
  return { ResourceType: resourceType, ResourceId };
}

function connect(ctx: AdapterContext, arn: ParsedArn, signal: AbortSignal | undefined) {
  return Promise.all([ctx.client(loader, scopeOf(arn), signal), sdk.load()]);
}
