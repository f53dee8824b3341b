// The accounts a run spans, as an accounts file gives them (Cloud Custodian's c7n-org shape, so that one file
// serves both tools): each account's id and name, the role to assume in it (or a profile, or neither: the
// caller's credentials), its regions and tags. Parsed and checked once, at the edge; the rest of unitag takes
// `Account` values.

import { isPlainObject, refuse } from './arguments.js';
import { isRegion } from './arn.js';
import { ConfigurationError } from './errors.js';

/** One account of a run. */
export interface Account {
  /** The 12-digit account id. */
  readonly id: string;
  /** Its name (the file's `name`, else its id): what outputs and `--account-filter` name it by. */
  readonly name: string;
  /**
   * The role to assume in it: a name (`unitag`, made `arn:<partition>:iam::<id>:role/unitag`) or a role ARN; a
   * list is a chain, each role assumed with the credentials of the one before.
   */
  readonly role?: readonly string[] | undefined;
  /** A profile of the shared AWS config files whose credentials act in the account (instead of a role). */
  readonly profile?: string | undefined;
  /** The external id the role's trust policy asks for. */
  readonly externalId?: string | undefined;
  /** Regions to search in it (`find`, `check`); none: the run's regions. */
  readonly regions?: readonly string[] | undefined;
  /** Its tags, as c7n-org writes them (`env:prod`, `path:/Prod/Web`): `--account-filter` selects by them. */
  readonly tags: readonly string[];
  /** Free values for the file's other users (c7n-org's policy variables); unitag keeps them as they are. */
  readonly vars: Readonly<Record<string, unknown>>;
}

const ACCOUNT_ID = /^\d{12}$/;
const FIELDS = new Set([
  'account_id',
  'name',
  'display_name',
  'email',
  'org_id',
  'role',
  'profile',
  'external_id',
  'regions',
  'tags',
  'vars',
]);

/**
 * The accounts of an accounts file's text: JSON, or YAML (a superset of JSON). `source` names the file in
 * errors. Throws `ConfigurationError` naming the entry and field for anything that is not what c7n-org takes.
 */
export async function parseAccounts(text: string, source: string): Promise<Account[]> {
  if (typeof text !== 'string')
    refuse(ConfigurationError, 'parseAccounts: text', "an accounts file's text", text);
  if (typeof source !== 'string') refuse(ConfigurationError, 'parseAccounts: source', 'a file name', source);
  let document: unknown;
  try {
    document = /^\s*[{[]/.test(text) ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (error) {
    throw new ConfigurationError(
      `${source} is not JSON or YAML (${(error as Error).message.split('\n')[0]}): give an accounts file such as ` +
        `"accounts: [{ account_id: '123456789012', name: prod, role: unitag }]".`,
    );
  }
  const list = (document as { accounts?: unknown } | null)?.accounts;
  if (!Array.isArray(list)) {
    throw new ConfigurationError(
      `${source} has no "accounts" list: give "accounts:" and one entry per account.`,
    );
  }
  const accounts = list.map((entry, i) => accountOf(entry, `${source}: accounts[${i}]`));
  const seen = new Map<string, number>();
  accounts.forEach((account, i) => {
    const first = seen.get(account.id);
    if (first !== undefined) {
      throw new ConfigurationError(
        `${source}: accounts[${i}] repeats account ${account.id} (accounts[${first}]): give each account once.`,
      );
    }
    seen.set(account.id, i);
  });
  return accounts;
}

function accountOf(entry: unknown, at: string): Account {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigurationError(`${at} is not an object: give { account_id, name, role or profile }.`);
  }
  const fields = entry as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((field) => !FIELDS.has(field));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `${at} has the unknown field ${unknown.join(', ')}: an account holds ${[...FIELDS].join(', ')}.`,
    );
  }
  // YAML reads an unquoted 012345678901 as a number, which loses the leading zero: only a string is an id.
  const id = fields.account_id;
  if (typeof id !== 'string' || !ACCOUNT_ID.test(id)) {
    throw new ConfigurationError(
      `${at}.account_id must be the account's 12 digits as a string (quote it in YAML: '012345678901'); got ` +
        `${JSON.stringify(id)}.`,
    );
  }
  const role = fields.role;
  const roles = typeof role === 'string' ? [role] : role;
  if (roles !== undefined && !(Array.isArray(roles) && roles.length > 0 && roles.every(isRoleText))) {
    throw new ConfigurationError(`${at}.role must be a role name, a role ARN, or a list of them (a chain).`);
  }
  if (roles !== undefined && fields.profile !== undefined) {
    throw new ConfigurationError(`${at} gives both role and profile: give one (or neither, for your own).`);
  }
  const regions = stringList(fields.regions, `${at}.regions`);
  const badRegion = regions?.find((region) => !isRegion(region));
  if (badRegion !== undefined) {
    throw new ConfigurationError(`${at}.regions: "${badRegion}" is not a region such as "us-east-1".`);
  }
  const vars = fields.vars ?? {};
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) {
    throw new ConfigurationError(`${at}.vars must be an object.`);
  }
  return {
    id,
    name: text(fields.name, `${at}.name`) ?? id,
    role: roles as string[] | undefined,
    profile: text(fields.profile, `${at}.profile`),
    externalId: text(fields.external_id, `${at}.external_id`),
    regions,
    tags: stringList(fields.tags, `${at}.tags`) ?? [],
    vars: vars as Record<string, unknown>,
  };
}

function isRoleText(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

function text(value: unknown, at: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new ConfigurationError(`${at} must be a non-empty string.`);
  return value;
}

function stringList(value: unknown, at: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new ConfigurationError(`${at} must be a list of strings.`);
  }
  return value;
}

/**
 * The accounts `filters` select: an account is selected when a filter is its id, its name or one of its tags
 * (`env:prod`). No filter selects every account. A filter that selects nothing is an error: a misspelt name must
 * not quietly make a run of nothing.
 */
export function filterAccounts(accounts: readonly Account[], filters: readonly string[]): Account[] {
  const isAccount = (a: unknown) =>
    isPlainObject(a) && typeof a.id === 'string' && typeof a.name === 'string' && Array.isArray(a.tags);
  if (!Array.isArray(accounts) || !accounts.every(isAccount)) {
    refuse(ConfigurationError, 'filterAccounts: accounts', 'accounts from parseAccounts', accounts);
  }
  if (!Array.isArray(filters) || !filters.every((f) => typeof f === 'string')) {
    refuse(ConfigurationError, 'filterAccounts: filters', 'an array of account ids, names or tags', filters);
  }
  if (filters.length === 0) return [...accounts];
  const matches = (account: Account, filter: string) =>
    filter === account.id || filter === account.name || account.tags.includes(filter);
  const idle = filters.filter((filter) => !accounts.some((account) => matches(account, filter)));
  if (idle.length > 0) {
    throw new ConfigurationError(
      `The account filter ${idle.join(', ')} selects no account of the accounts file: give an account's id, name ` +
        'or one of its tags.',
    );
  }
  return accounts.filter((account) => filters.some((filter) => matches(account, filter)));
}

/** The ARN of role `role` (a name, or an ARN kept as it is) in `account` of `partition`. */
export function roleArn(role: string, account: string, partition: string): string {
  for (const [field, value] of Object.entries({ role, account, partition })) {
    if (typeof value !== 'string' || value === '')
      refuse(ConfigurationError, `roleArn: ${field}`, 'a string', value);
  }
  return role.startsWith('arn:') ? role : `arn:${partition}:iam::${account}:role/${role.replace(/^\/+/, '')}`;
}
