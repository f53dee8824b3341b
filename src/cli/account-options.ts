// The options that take a run into other accounts: a role to assume in each (or an accounts file giving each
// account its role, profile and regions), and which accounts of the file to act in.
import type { Command } from 'commander';
import type { Account } from '../core/accounts.js';
import { ConfigurationError } from '../core/errors.js';

/** What the account options give (seconds for the duration). */
export interface AccountOptions {
  roleName?: string;
  externalId?: string;
  roleSessionName?: string;
  roleDuration?: number;
  /** `--accounts FILE`: the path of the accounts file. */
  accounts?: string;
  /** `--account-filter`: ids, names or account tags, each one repeatable or comma-separated. */
  accountFilter?: string[];
}

/** Adds the account options to the program (they are global: every command may act across accounts). */
export function withAccountOptions(program: Command): Command {
  return program
    .option(
      '--role-name <name>',
      "role to assume in each account an ARN names that is not your credentials' own (arn:PARTITION:iam::ACCOUNT:role/NAME)",
    )
    .option('--external-id <id>', 'external id the roles ask for (their trust policy)')
    .option(
      '--role-session-name <name>',
      'session name of the assumed roles (default: unitag- and the start time)',
    )
    .option(
      '--role-duration <seconds>',
      'seconds each assumed session lasts, 900 to 43200 (sessions are renewed before they expire)',
      roleDuration,
    )
    .option(
      '--accounts <file>',
      "accounts file (JSON or YAML, c7n-org's shape): each account's id, name, role or profile, regions and tags",
    )
    .option(
      '--account-filter <filter>',
      'act only in these accounts of --accounts: ids, names or account tags (e.g. env:prod), comma-separated or repeated',
      (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim())],
    );
}

function roleDuration(value: string): number {
  const seconds = Number(value);
  if (!(Number.isInteger(seconds) && seconds >= 900 && seconds <= 43_200)) {
    throw new ConfigurationError(
      `--role-duration must be a whole number of seconds from 900 to 43200; got "${value}".`,
    );
  }
  return seconds;
}

// The accounts a command's options name, read once however many of its parts ask (the tagger, a search, a shard):
// every part sees the same file.
const read = new WeakMap<AccountOptions, Promise<Account[] | undefined>>();

/** The accounts of `--accounts`, filtered by `--account-filter`; none without `--accounts`. */
export function accountsOf(options: AccountOptions): Promise<Account[] | undefined> {
  let known = read.get(options);
  if (!known) {
    known = readAccounts(options);
    read.set(options, known);
  }
  return known;
}

async function readAccounts(options: AccountOptions): Promise<Account[] | undefined> {
  if (options.accounts === undefined) {
    if (options.accountFilter?.length) {
      throw new ConfigurationError(
        '--account-filter selects accounts of --accounts FILE: give the accounts file too.',
      );
    }
    return undefined;
  }
  const { readFile } = await import('node:fs/promises');
  const { filterAccounts, parseAccounts } = await import('../core/accounts.js');
  let text: string;
  try {
    text = await readFile(options.accounts, 'utf8');
  } catch (error) {
    throw new ConfigurationError(
      `--accounts ${options.accounts} cannot be read: ${(error as Error).message}`,
    );
  }
  return filterAccounts(await parseAccounts(text, options.accounts), options.accountFilter ?? []);
}
