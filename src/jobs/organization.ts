// An accounts file (c7n-org's shape, which core/accounts.ts reads) written from AWS Organizations: every account
// (ListAccounts), or those in given OUs and the OUs nested in them (ListAccountsForParent and
// ListOrganizationalUnitsForParent, walked down), each with its tags (ListTagsForResource) and, for a walk, its
// place in the tree as c7n-org writes it (`path:/Prod`, `path:/Prod/Web`).
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { PARTITIONS, partitionOfRegion } from '../core/arn.js';
import { awsErrorName, malformed, toUnitagError } from '../core/aws-errors.js';
import { ClientCache, type ClientOptions } from '../core/clients.js';
import { ClientMissingError } from '../core/errors.js';
import { type CommandSender, type ListCall, listEntries, listMember, stringMember } from '../core/kit.js';
import { sdkPackage } from '../core/sdk-package.js';
import { fromTagList, type TagPair } from '../core/shapes.js';
import type { ClientLoader, Tags } from '../core/types.js';

/** One account as the accounts file holds it (the fields `parseAccounts` reads). */
export interface OrganizationAccount {
  account_id: string;
  name: string;
  email?: string;
  org_id?: string;
  /** The role to assume in it, by name: `--role-name`. */
  role?: string;
  /** Its Organizations tags as `Key:Value`, after its place in the tree (`path:/Prod/Web`) where known. */
  tags: string[];
}

/** What to read. */
export interface OrganizationOptions {
  /** OU (`ou-...`) or root (`r-...`) ids whose accounts to read, nested OUs included; none: every account. */
  parents?: readonly string[] | undefined;
  /** The role name every account's entry names. */
  roleName?: string | undefined;
  /** Only accounts whose State is ACTIVE. */
  activeOnly?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

const PACKAGE = '@aws-sdk/client-organizations';
type Sdk = typeof import('@aws-sdk/client-organizations');

const page = (operation: string, member: string, input: Record<string, unknown> = {}): ListCall => ({
  operation,
  input,
  token: 'NextToken',
  member,
});

/** AWS's most accounts and OUs a page (ListAccounts, ListAccountsForParent, ListOrganizationalUnitsForParent). */
const MAX_RESULTS = 20;
/** Tag reads at once: Organizations' request quota is low, and the SDK retries what it throttles. */
const TAG_READS_AT_ONCE = 4;
/** Deeper than an OU tree can be (AWS: five levels below the root): a parent chain this long is a loop. */
const MAX_DEPTH = 10;

interface Listed {
  entry: unknown;
  path?: readonly string[] | undefined;
}

/**
 * Reads the organization's accounts with the management account's (or a delegated administrator's) credentials.
 * Every call goes to the partition's one Organizations endpoint. AWS's errors come back as `UnitagError`s; an
 * access denial says which accounts may read an organization.
 */
export async function readOrganization(
  clients: ClientOptions,
  options: OrganizationOptions = {},
): Promise<OrganizationAccount[]> {
  const sdk = await loadSdk();
  const cache = new ClientCache(clients);
  try {
    const partition = partitionOfRegion(cache.defaultRegion);
    const region = partition === 'aws-cn' ? 'cn-northwest-1' : (PARTITIONS[partition]?.globalRegion ?? '');
    const client = await cache.get(loaderOf(sdk), { partition, region, account: '' }, options.signal);
    const reader = { client, sdk, signal: options.signal };
    const listed = await listAccounts(reader, options.parents ?? []);
    const kept = listed.filter(({ entry }) => !options.activeOnly || stateOf(entry) === 'ACTIVE');
    return await mapAtMost(TAG_READS_AT_ONCE, kept, async ({ entry, path }) =>
      accountOf(entry, path, await tagsOf(reader, stringMember(entry, 'Id', 'ListAccounts')), options),
    );
  } catch (error) {
    throw toUnitagError(explained(error), { service: 'organizations' });
  } finally {
    await cache.destroy();
  }
}

/** The accounts file's text: YAML (c7n-org's own format), or JSON. */
export async function accountsFileText(
  accounts: readonly OrganizationAccount[],
  format: 'yaml' | 'json',
): Promise<string> {
  if (format === 'json') return `${JSON.stringify({ accounts }, null, 2)}\n`;
  const { stringify } = await import('yaml');
  return stringify({ accounts });
}

interface Reader {
  client: CommandSender;
  sdk: Sdk;
  signal: AbortSignal | undefined;
}

async function loadSdk(): Promise<Sdk> {
  try {
    return await sdkPackage<Sdk>('@aws-sdk/client-organizations');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new ClientMissingError(
      `${PACKAGE} is not installed: unitag reads AWS Organizations with it. \`npm install ${PACKAGE}\` beside unitag.`,
      { service: 'organizations', packageName: PACKAGE },
    );
  }
}

function loaderOf(sdk: Sdk): ClientLoader<OrganizationsClient> {
  return {
    id: 'organizations-accounts',
    create: async (config) => new sdk.OrganizationsClient(config),
    // Every read's answer must be its document: a page without its list is never "no accounts".
    reads: {
      ListAccountsCommand: { json: ['Accounts', 'NextToken'] },
      ListAccountsForParentCommand: { json: ['Accounts', 'NextToken'] },
      ListOrganizationalUnitsForParentCommand: { json: ['OrganizationalUnits', 'NextToken'] },
      ListParentsCommand: { json: ['Parents', 'NextToken'] },
      DescribeOrganizationalUnitCommand: { json: ['OrganizationalUnit'], required: true },
      ListTagsForResourceCommand: { json: ['Tags', 'NextToken'] },
    },
  };
}

/** Every account (ListAccounts), or the accounts under each parent and its nested OUs, each once. */
async function listAccounts(reader: Reader, parents: readonly string[]): Promise<Listed[]> {
  const listed: Listed[] = [];
  if (parents.length === 0) {
    const call = page('ListAccounts', 'Accounts', { MaxResults: MAX_RESULTS });
    for await (const entry of listEntries(reader.client, reader.sdk, call, reader.signal))
      listed.push({ entry });
  }
  for (const parent of parents) await walk(reader, parent, await pathOf(reader, parent), listed);
  // An account under two of the parents given (one nested in the other) is written once, where first found.
  const seen = new Set<string>();
  const once: Listed[] = [];
  for (const item of listed) {
    const id = stringMember(item.entry, 'Id', 'ListAccounts');
    if (seen.has(id)) continue;
    seen.add(id);
    once.push(item);
  }
  return once;
}

/** The accounts directly under `parent`, then those of each OU under it, depth first. */
async function walk(reader: Reader, parent: string, path: string[], listed: Listed[]): Promise<void> {
  const input = { ParentId: parent, MaxResults: MAX_RESULTS };
  const { client, sdk, signal } = reader;
  const accounts = page('ListAccountsForParent', 'Accounts', input);
  for await (const entry of listEntries(client, sdk, accounts, signal)) listed.push({ entry, path });
  const ous = page('ListOrganizationalUnitsForParent', 'OrganizationalUnits', input);
  const children: { id: string; name: string }[] = [];
  for await (const ou of listEntries(client, sdk, ous, signal)) {
    const operation = 'ListOrganizationalUnitsForParent';
    children.push({ id: stringMember(ou, 'Id', operation), name: stringMember(ou, 'Name', operation) });
  }
  for (const child of children) await walk(reader, child.id, [...path, child.name], listed);
}

/** The names of the OUs from the root down to `id` (ListParents, DescribeOrganizationalUnit); none for a root. */
async function pathOf({ client, sdk, signal }: Reader, id: string): Promise<string[]> {
  const names: string[] = [];
  let current = id;
  while (current.startsWith('ou-')) {
    if (names.length >= MAX_DEPTH) throw malformed('ListParents', `a chain of more than ${MAX_DEPTH} OUs`);
    const command = new sdk.DescribeOrganizationalUnitCommand({ OrganizationalUnitId: current });
    const described = await client.send(command as never, { abortSignal: signal });
    const ou = (described as { OrganizationalUnit?: unknown }).OrganizationalUnit;
    names.unshift(stringMember(ou, 'Name', 'DescribeOrganizationalUnit'));
    // An OU has exactly one parent: an OU or the root.
    const parents = await client.send(new sdk.ListParentsCommand({ ChildId: current }) as never, {
      abortSignal: signal,
    });
    current = stringMember(listMember(parents, 'Parents', 'ListParents')[0], 'Id', 'ListParents');
  }
  return names;
}

/** Every tag of an account, page after page. */
async function tagsOf(reader: Reader, id: string): Promise<Tags> {
  const pairs: unknown[] = [];
  const call = page('ListTagsForResource', 'Tags', { ResourceId: id });
  for await (const tag of listEntries(reader.client, reader.sdk, call, reader.signal)) pairs.push(tag);
  return fromTagList(pairs as TagPair[], 'ListTagsForResource');
}

/**
 * An account's State; absent from answers older than the field (it replaces Status, which AWS retires on
 * 9 September 2026 and whose values it shares), its Status.
 */
function stateOf(entry: unknown): unknown {
  const { State, Status } = entry as { State?: unknown; Status?: unknown };
  return State ?? Status;
}

/** The file's entry of an account: c7n-org's fields, and its tags as `path:...` then `Key:Value`. */
function accountOf(
  entry: unknown,
  path: readonly string[] | undefined,
  tags: Tags,
  options: OrganizationOptions,
): OrganizationAccount {
  const { Id, Name, Email, Arn } = entry as Record<string, unknown>;
  const org = typeof Arn === 'string' ? /:account\/(o-[a-z0-9]+)\//.exec(Arn)?.[1] : undefined;
  return {
    account_id: Id as string,
    name: typeof Name === 'string' && Name !== '' ? Name : (Id as string),
    ...(typeof Email === 'string' && Email !== '' ? { email: Email } : {}),
    ...(org ? { org_id: org } : {}),
    ...(options.roleName ? { role: options.roleName } : {}),
    tags: [...pathTags(path), ...Object.entries(tags).map(([key, value]) => `${key}:${value}`)],
  };
}

/** An account's place as c7n-org tags it: `path:/A` and `path:/A/B` for OU B in OU A, `path:/` under the root. */
function pathTags(path: readonly string[] | undefined): string[] {
  if (path === undefined) return [];
  if (path.length === 0) return ['path:/'];
  return path.map((_, i) => `path:/${path.slice(0, i + 1).join('/')}`);
}

/** `work` on every item, at most `limit` at once, results in the items' order. */
async function mapAtMost<T, R>(
  limit: number,
  items: readonly T[],
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** An AWS error, with what its message leaves unsaid: who may read an organization. */
function explained(error: unknown): unknown {
  const notes: Record<string, string> = {
    AccessDeniedException:
      'AWS Organizations lists accounts only for its management account or a delegated administrator account: ' +
      'use credentials of one of them (--profile), allowed organizations:ListAccounts, ListAccountsForParent, ' +
      'ListOrganizationalUnitsForParent, ListParents, DescribeOrganizationalUnit and ListTagsForResource',
    AWSOrganizationsNotInUseException:
      'The credentials in use act in an account that is in no organization: use credentials of its management ' +
      'account or of a delegated administrator (--profile)',
  };
  const code = awsErrorName(error);
  if (error instanceof Error && Object.hasOwn(notes, code)) {
    error.message = `${error.message.replace(/\.?\s*$/, '.')} ${notes[code]}`;
  }
  return error;
}
