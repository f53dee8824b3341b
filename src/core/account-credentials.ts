// Which credentials act in which account of a run: the accounts file's role or profile for an account of it,
// `roleName` for another account than the caller's, else the caller's own. One provider per account, renewing
// its session before it expires (roles.ts); the session name is made once, when the run starts.
import type { STSClient } from '@aws-sdk/client-sts';
import { PARTITIONS } from './arn.js';
import { AccountMismatchError } from './errors.js';
import {
  assumeRoles,
  type CredentialsProvider,
  defaultSessionName,
  profileCredentials,
  type RoleOptions,
} from './roles.js';
import type { ClientScope } from './types.js';

/** What the credentials of other accounts are made with: the STS client of a hop, and the caller's account. */
export interface AccountCredentialsSource {
  /** The STS client for `region`, signing with `credentials` (undefined: the caller's); one per key. */
  sts(
    region: string | undefined,
    key: string,
    credentials: CredentialsProvider | undefined,
  ): Promise<STSClient>;
  /** The account the caller's own credentials act in. */
  callerAccount(partition: string, signal: AbortSignal | undefined): Promise<string>;
}

/** The credentials of each account of a run, made on first use and kept. */
export class AccountCredentials {
  readonly #known = new Map<string, Promise<CredentialsProvider | undefined>>();
  readonly #options: RoleOptions;
  readonly #source: AccountCredentialsSource;

  constructor(options: RoleOptions, source: AccountCredentialsSource) {
    // One session name for the whole run, so that CloudTrail shows every session of it under one name.
    this.#options = { ...options, roleSessionName: options.roleSessionName ?? defaultSessionName() };
    this.#source = source;
  }

  /** True when the run may use other credentials than the caller's for some account. */
  get acrossAccounts(): boolean {
    return Boolean(this.#options.roleName || this.#options.accounts);
  }

  /**
   * The credentials of the scope's account, when the run has some for it; undefined: the caller's own. An account
   * outside the accounts file (after its filter) is `AccountMismatch`; a role that cannot be assumed fails with
   * AWS's code, naming the role and the account.
   */
  of(scope: ClientScope, signal: AbortSignal | undefined): Promise<CredentialsProvider | undefined> {
    if (!this.acrossAccounts) return Promise.resolve(undefined);
    const key = `${scope.partition}|${scope.account}`;
    let known = this.#known.get(key);
    if (!known) {
      known = this.#make(scope, signal);
      this.#known.set(key, known);
      known.catch(() => this.#known.delete(key));
    }
    return known;
  }

  async #make(scope: ClientScope, signal: AbortSignal | undefined): Promise<CredentialsProvider | undefined> {
    const options = this.#options;
    const entry = options.accounts?.find((account) => account.id === scope.account);
    if (options.accounts && !entry) {
      throw new AccountMismatchError(
        `Account ${scope.account} is not one of the run's accounts (the accounts file, after its filter): unitag ` +
          'acts only in those. Add the account to the file, or widen the filter.',
      );
    }
    if (entry?.profile) return profileCredentials(entry.profile);
    let chain = entry?.role;
    if (
      !chain &&
      options.roleName &&
      (await this.#source.callerAccount(scope.partition, signal)) !== scope.account
    ) {
      chain = [options.roleName];
    }
    if (!chain) return undefined;
    const stsRegion = scope.region || PARTITIONS[scope.partition]?.globalRegion;
    // Each hop's client signs with the hop before's credentials (the first with the caller's), renewed as they go.
    return assumeRoles(chain, entry ?? { id: scope.account }, scope.partition, options, (credentials, hop) =>
      this.#source.sts(stsRegion, `assume:${scope.account}:${hop}`, credentials),
    );
  }
}
