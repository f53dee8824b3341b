// An account's effective tag policy as AWS Organizations computes it: DescribeEffectivePolicy with PolicyType
// TAG_POLICY, one call per account. `@aws-sdk/client-organizations` is an optional peer dependency, loaded on
// first use; without it, `ClientMissing` comes before any call.

import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { optional, optionsArgument, refuse } from '../core/arguments.js';
import { PARTITIONS } from '../core/arn.js';
import { awsErrorName, malformed } from '../core/aws-errors.js';
import { withSignal } from '../core/clients.js';
import type { Engine } from '../core/engine.js';
import {
  AccessDeniedError,
  ClientMissingError,
  ConfigurationError,
  ResourceNotFoundError,
  type UnitagError,
} from '../core/errors.js';
import { optionalSdk } from '../core/kit.js';
import { sdkPackage as loadSdk } from '../core/sdk-package.js';
import type { CallOptions, ClientLoader, OptionalPackage } from '../core/types.js';
import { parseTagPolicy, type TagPolicy } from './tag-policy.js';

/** Options of a tagger's `organizationTagPolicy`. */
export interface TagPolicyCallOptions extends CallOptions {
  /** The partition of the organization (`aws`, `aws-cn`, `aws-us-gov`); default: the tagger's. */
  partition?: string | undefined;
}

const SERVICE = 'organizations';
const PACKAGE = '@aws-sdk/client-organizations';

type Sdk = typeof import('@aws-sdk/client-organizations');

const sdkPackage = optionalSdk(PACKAGE, (): Promise<Sdk> => loadSdk<Sdk>('@aws-sdk/client-organizations'));

/**
 * The SDK client package, loaded on first use (tests make `installed` say no, to play a machine without it). Typed
 * without the SDK's types: the package's declarations must not need an optional peer dependency.
 */
export const organizationsPackage: OptionalPackage = sdkPackage;

// An id of its own: the organizations adapter's client ('organizations') serves tagging, this one policies.
const loader: ClientLoader<OrganizationsClient> = {
  id: 'organizations-policies',
  create: async (config) => new (await sdkPackage.load()).OrganizationsClient(config),
  reads: { DescribeEffectivePolicyCommand: { json: ['EffectivePolicy'], required: true } },
};

// Organizations is a global service with one endpoint per partition, each in one region (AWS General
// Reference, "AWS Organizations endpoints and quotas"): aws-cn's is cn-northwest-1, not the partition's usual
// global region.
const ENDPOINT_REGION: Readonly<Record<string, string>> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-northwest-1',
  'aws-us-gov': 'us-gov-west-1',
};

const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied']);

/** Throws `ClientMissing` when `@aws-sdk/client-organizations` is not installed; call it before any AWS call. */
export function requireOrganizationsPackage(): void {
  if (organizationsPackage.installed()) return;
  throw new ClientMissingError(
    `${PACKAGE} is not installed, and unitag reads the organization's tag policies with it: \`npm install ` +
      `${PACKAGE}\` beside unitag, or give the policies as files (--policy root.json --policy ou.json ` +
      '--policy account.json, the root first).',
    { service: SERVICE, packageName: PACKAGE },
  );
}

/**
 * The effective tag policy AWS Organizations applies to `account`: one DescribeEffectivePolicy (TAG_POLICY,
 * TargetId the account) at the partition's Organizations endpoint. An account that no tag policy applies to has
 * an empty policy. AWS answers the organization's management account and delegated administrators
 * (`AccessDenied` otherwise, saying what to do); a PolicyContent that is not a tag policy is a
 * `MalformedResponse`.
 */
export async function describeEffectiveTagPolicy(
  engine: Engine,
  account: unknown,
  defaultPartition: string,
  options?: TagPolicyCallOptions,
): Promise<TagPolicy> {
  if (typeof account !== 'string' || !/^\d{12}$/.test(account)) {
    refuse(ConfigurationError, 'organizationTagPolicy: account', 'a 12-digit account id', account);
  }
  const checked = optionsArgument<TagPolicyCallOptions | undefined>(
    options,
    'organizationTagPolicy: options',
    {
      signal: optional.signal,
      partition: optional.string,
    },
  );
  const partition = checked?.partition ?? defaultPartition;
  if (!Object.hasOwn(PARTITIONS, partition)) {
    refuse(
      ConfigurationError,
      'organizationTagPolicy: options.partition',
      'a partition such as "aws"',
      partition,
    );
  }
  requireOrganizationsPackage();
  const signal = checked?.signal;
  const region = ENDPOINT_REGION[partition] ?? PARTITIONS[partition]?.globalRegion;
  let answer: unknown;
  try {
    const [client, { DescribeEffectivePolicyCommand }] = await Promise.all([
      engine.clients.get(loader, { partition, region: region ?? '', account: '' }, signal),
      sdkPackage.load(),
    ]);
    const command = new DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: account });
    answer = await withSignal(signal, () => client.send(command, { abortSignal: signal }));
  } catch (error) {
    // No tag policy is attached anywhere above the account: nothing is required of its resources.
    if (awsErrorName(error) === 'EffectivePolicyNotFoundException' && !signal?.aborted) return { rules: [] };
    throw failure(engine, error, account, signal);
  }
  return policyOf(engine, answer, account);
}

/** The typed error of a failed DescribeEffectivePolicy, saying what to do. */
function failure(
  engine: Engine,
  error: unknown,
  account: string,
  signal: AbortSignal | undefined,
): UnitagError {
  const name = awsErrorName(error);
  const said = error instanceof Error ? error.message : String(error);
  const context = { service: SERVICE, cause: error };
  if (signal?.aborted) return engine.fail(error, { service: SERVICE }, signal);
  if (ACCESS_DENIED.has(name)) {
    return new AccessDeniedError(
      `DescribeEffectivePolicy of account ${account} was refused (${name}: ${said}). Only the organization's ` +
        "management account, or a delegated administrator for tag policies, may read another account's " +
        'effective tag policy: run with credentials of one of them (allowed organizations:DescribeEffectivePolicy), ' +
        'or give the policies as files (--policy root.json --policy ou.json --policy account.json).',
      context,
    );
  }
  if (name === 'AWSOrganizationsNotInUseException') {
    return new ConfigurationError(
      `The credentials in use belong to no organization (${said}), so unitag cannot read the tag policy of ` +
        `account ${account}: use credentials of the organization's management account, or give the policy as a file (--policy).`,
      context,
    );
  }
  if (name === 'TargetNotFoundException') {
    return new ResourceNotFoundError(
      `Account ${account} is not in the organization of the credentials in use (${said}): check the ARN's ` +
        "account, or use credentials of its organization's management account.",
      context,
    );
  }
  return engine.fail(error, { service: SERVICE }, signal);
}

/** The tag policy of a DescribeEffectivePolicy answer: PolicyContent is the policy's JSON, as a string. */
function policyOf(engine: Engine, answer: unknown, account: string): TagPolicy {
  const effective = (answer as { EffectivePolicy?: Record<string, unknown> } | undefined)?.EffectivePolicy;
  const bad = (what: string) => engine.fail(malformed('DescribeEffectivePolicy', what), { service: SERVICE });
  if (typeof effective?.PolicyContent !== 'string') throw bad('no EffectivePolicy.PolicyContent string');
  if (effective.PolicyType !== undefined && effective.PolicyType !== 'TAG_POLICY') {
    throw bad(`a ${JSON.stringify(effective.PolicyType)} policy where a TAG_POLICY was asked for`);
  }
  if (effective.TargetId !== undefined && effective.TargetId !== account) {
    throw bad(`the policy of ${JSON.stringify(effective.TargetId)} where account ${account}'s was asked for`);
  }
  try {
    return parseTagPolicy(effective.PolicyContent);
  } catch (error) {
    throw bad(`a PolicyContent that is not a tag policy unitag reads (${(error as Error).message})`);
  }
}
