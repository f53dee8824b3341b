// Credentials for another account: a role assumed there (STS AssumeRole, a chain of roles one after the other),
// renewed before it expires so that a run of hours never meets an expired session, or a profile of the shared
// config files. Which account gets which is the client cache's choice (clients.ts): an account of the accounts
// file gets its role or profile, another account than the caller's gets `roleName`.
import type { STSClient } from '@aws-sdk/client-sts';
import { type Account, roleArn } from './accounts.js';
import { toUnitagError } from './aws-errors.js';
import { once } from './collections.js';
import { createError } from './errors.js';
import { sdkPackage } from './sdk-package.js';

/** How roles are assumed in the accounts of a run. */
export interface RoleOptions {
  /** The role to assume in each account that is not the caller's (and has no role or profile of its own). */
  roleName?: string | undefined;
  /** The external id the roles' trust policies ask for. */
  externalId?: string | undefined;
  /** The session's name, in CloudTrail; default `unitag-` and the time the tagger was made. */
  roleSessionName?: string | undefined;
  /** Seconds a session lasts, 900 to 43,200 (the role's maximum); default 3,600. */
  roleDuration?: number | undefined;
  /** The accounts of an accounts file: each one's role, profile, or neither (the caller's credentials). */
  accounts?: readonly Account[] | undefined;
}

/** Temporary credentials, as the SDK takes them. */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** A credentials provider: the SDK calls it before each request, and it answers from its cache until renewal. */
export type CredentialsProvider = () => Promise<SessionCredentials>;

const sts = once(() => sdkPackage<typeof import('@aws-sdk/client-sts')>('@aws-sdk/client-sts'));

/** The session name used when none is given: `unitag-20261207T091500Z`, the tagger's start. */
export function defaultSessionName(now = new Date()): string {
  return `unitag-${now.toISOString().replace(/[-:]|\.\d+/g, '')}`;
}

/**
 * Renewal margin: a session is renewed when less than this is left of it, five minutes (the SDK's own margin),
 * or half its life when it is shorter, so that no request is signed with credentials about to expire.
 */
function margin(credentials: SessionCredentials, issued: number): number {
  const life = (credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY) - issued;
  return Math.min(300_000, life / 2);
}

/**
 * A provider of `roles` assumed one after the other in `account` (the first with the caller's credentials,
 * through `client(undefined)`; each next one with the one before's). A failure names the account and the role.
 */
export function assumeRoles(
  roles: readonly string[],
  account: Account | { id: string; externalId?: string | undefined },
  partition: string,
  options: RoleOptions,
  client: (credentials: CredentialsProvider | undefined, hop: number) => Promise<STSClient>,
  now: () => number = Date.now,
): CredentialsProvider {
  let provider: CredentialsProvider | undefined;
  roles.forEach((role, hop) => {
    provider = renewing(assumeOne(roleArn(role, account.id, partition), hop, provider), now);
  });
  return provider as CredentialsProvider;

  function assumeOne(arn: string, hop: number, previous: CredentialsProvider | undefined) {
    return async (): Promise<SessionCredentials> => {
      const [stsClient, { AssumeRoleCommand }] = await Promise.all([client(previous, hop), sts()]);
      try {
        const answer = await stsClient.send(
          new AssumeRoleCommand({
            RoleArn: arn,
            RoleSessionName: options.roleSessionName ?? defaultSessionName(),
            ExternalId: account.externalId ?? options.externalId,
            DurationSeconds: options.roleDuration,
          }),
        );
        const c = answer.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
          throw createError('MalformedResponse', 'AssumeRole answered without Credentials');
        }
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        };
      } catch (error) {
        const failed = toUnitagError(error, { service: 'sts' });
        // AWS's own words, without the advice for a tagging call that toUnitagError adds to them.
        const said = error instanceof Error && failed.cause === error ? error.message : failed.message;
        throw createError(
          failed.code,
          `unitag could not assume the role ${arn} in account ${account.id}: ${said} (check that the ` +
            "role exists, that its trust policy names your principal, and the external id if it asks for one; the account's other lines and searches fail alike, other accounts go on)",
          { service: 'sts', cause: failed },
        );
      }
    };
  }
}

/** `fetch`'s credentials, kept until they are within their renewal margin; one renewal at a time. */
function renewing(fetch: CredentialsProvider, now: () => number): CredentialsProvider {
  let current: { credentials: SessionCredentials; renewAt: number } | undefined;
  let pending: Promise<SessionCredentials> | undefined;
  return async () => {
    if (current && now() < current.renewAt) return current.credentials;
    pending ??= (async () => {
      try {
        const issued = now();
        const credentials = await fetch();
        const expires = credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
        current = { credentials, renewAt: expires - margin(credentials, issued) };
        return credentials;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}

/** A provider of a profile's credentials (the SDK's chain for that profile: its keys, its role, its SSO). */
export async function profileCredentials(profile: string): Promise<CredentialsProvider> {
  const { defaultProvider } = await sdkPackage<typeof import('@aws-sdk/credential-provider-node')>(
    '@aws-sdk/credential-provider-node',
  );
  return defaultProvider({ profile }) as CredentialsProvider;
}
