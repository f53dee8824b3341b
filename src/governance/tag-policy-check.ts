// Checks resources' tags against a tag policy (tag-policy.ts); tag-policy-fix.ts works out the job that fixes
// what can be fixed. Pure, but for `checkMany`, which reads the tags in bulk through a tagger.

import pLimit from 'p-limit';
import {
  arnArgument,
  arnsArgument,
  isPlainObject,
  refuse,
  taggerArgument,
  tagMapArgument,
} from '../core/arguments.js';
import { parseArn } from '../core/arn.js';
import { countCalls } from '../core/clients.js';
import { ConfigurationError, type UnitagError } from '../core/errors.js';
import { newTags } from '../core/shapes.js';
import type { CallOptions, Tags } from '../core/types.js';
import { isReservedKey } from '../core/validate.js';
import type { BulkOptions } from '../jobs/bulk.js';
import type { ReadReport, ReadResult } from '../jobs/report.js';
import { allows, lists, policyArgument, type TagKeyRule, type TagPolicy } from './tag-policy.js';
import { requireOrganizationsPackage, type TagPolicyCallOptions } from './tag-policy-organizations.js';

/** What is wrong with one key of one resource. */
export type FindingKind = 'key-case' | 'value-not-allowed' | 'required-missing';

/** One key of one resource that breaks the policy: at most one finding per resource and key. */
export interface Finding {
  /** The key as the policy spells it (`tag_key`). */
  key: string;
  /** `key-case` when the spelling is wrong (the value may be too: see `allowed`), else what is wrong. */
  kind: FindingKind;
  /** The type is in the key's `enforced_for`: AWS refuses writes that would leave the key noncompliant. */
  enforced: boolean;
  /** What the resource carries under the key, in every spelling (nothing for `required-missing`). */
  carried: Tags;
  /** The values the policy allows, when a value carried is not among them. */
  allowed?: string[] | undefined;
  /** What is wrong, in one line. */
  detail: string;
}

/** A resource's tags as read, with its type as unitag's adapters name it (`ec2:volume`, `s3:bucket`). */
export interface TaggedResource {
  arn: string;
  type: string;
  tags: Tags;
}

/** One resource of a `checkMany` report. A resource that could not be read is `failed`, never compliant. */
export interface CheckResult {
  arn: string;
  type?: string | undefined;
  outcome: 'compliant' | 'noncompliant' | 'failed' | 'skipped';
  tags?: Tags | undefined;
  findings: Finding[];
  error?: UnitagError | undefined;
  /** With `fromOrganizations`: the account whose effective tag policy the resource was checked against. */
  account?: string | undefined;
}

/** What `checkMany` found: a line per resource (input order), totals, and the AWS calls of the reads. */
export interface CheckReport {
  results: CheckResult[];
  totals: {
    total: number;
    compliant: number;
    noncompliant: number;
    failed: number;
    skipped: number;
    findings: number;
    enforced: number;
  };
  calls: number;
  durationMs: number;
  /** With `fromOrganizations`: the effective tag policy of each account read, by account id. */
  policies?: Record<string, TagPolicy> | undefined;
}

/** `checkMany`'s policy that checks each resource against its account's effective tag policy in AWS Organizations. */
export interface FromOrganizations {
  fromOrganizations: true;
}

/**
 * The findings of one resource against the policy: wrong key spellings, values the policy does not allow,
 * required keys missing. `aws:` tags are never findings.
 *
 * @example
 * checkResource(policy, { arn, type: 'sns:topic', tags: { costcenter: '100' } });
 * // [{ key: 'CostCenter', kind: 'key-case', enforced: false, carried: { costcenter: '100' }, detail: '...' }]
 */
export function checkResource(policy: TagPolicy, resource: TaggedResource): Finding[] {
  policyArgument(policy, 'checkResource: policy');
  return findingsOf(policy, resourceArgument(resource, 'checkResource: resource'));
}

/** A resource given to the checker: its ARN, its type (`sns:topic`) and its tags, as `checkMany` reads them. */
export function resourceArgument(value: unknown, field: string): TaggedResource {
  if (!isPlainObject(value)) refuse(ConfigurationError, field, 'a resource { arn, type, tags }', value);
  arnArgument(value.arn, `${field}.arn`);
  if (typeof value.type !== 'string') {
    refuse(ConfigurationError, `${field}.type`, 'its type as unitag names it, e.g. "sns:topic"', value.type);
  }
  tagMapArgument(value.tags, `${field}.tags`);
  return value as unknown as TaggedResource;
}

function findingsOf(policy: TagPolicy, resource: TaggedResource): Finding[] {
  return policy.rules.flatMap((rule) => findingOf(stateOf(rule, resource), resource.type) ?? []);
}

/** What `checkMany` reads with: a tagger's `listMany` (governance does not depend on the tagger itself). */
export interface TagReader {
  listMany(arns: string[], options?: BulkOptions<ReadResult>): Promise<ReadReport>;
}

/** What `checkMany` reads with from AWS Organizations: a tagger's `listMany`, `account` and `organizationTagPolicy`. */
export interface OrganizationsReader extends TagReader {
  account(options?: CallOptions): Promise<string>;
  organizationTagPolicy(account: string, options?: TagPolicyCallOptions): Promise<TagPolicy>;
}

/**
 * Reads every resource's tags in bulk (the tagger's `listMany`) and checks them; a resource that cannot be read
 * is `failed`, with its error. With `{ fromOrganizations: true }` as the policy, each resource is checked against
 * the effective tag policy of its account (of the credentials' account where the ARN names none), read from AWS
 * Organizations once per account (see the tagger's `organizationTagPolicy`); a resource whose account's policy
 * cannot be read is `failed` with that error, and not read.
 *
 * @example
 * const report = await checkMany(tagger, parseTagPolicy(text), arns);
 * const byAccount = await checkMany(tagger, { fromOrganizations: true }, arns); // byAccount.policies: per account
 */
export async function checkMany(
  tagger: TagReader,
  policy: TagPolicy,
  arns: string[],
  options?: BulkOptions<ReadResult>,
): Promise<CheckReport>;
export async function checkMany(
  tagger: OrganizationsReader,
  policy: FromOrganizations,
  arns: string[],
  options?: BulkOptions<ReadResult>,
): Promise<CheckReport>;
export async function checkMany(
  tagger: TagReader,
  policy: TagPolicy | FromOrganizations,
  arns: string[],
  options?: BulkOptions<ReadResult>,
): Promise<CheckReport> {
  if (isPlainObject(policy) && policy.fromOrganizations === true && !Object.hasOwn(policy, 'rules')) {
    const methods = ['listMany', 'account', 'organizationTagPolicy'];
    const reader = taggerArgument<OrganizationsReader>(tagger, 'checkMany: tagger', methods);
    return checkByAccount(reader, arnsArgument(arns, 'checkMany: arns'), options);
  }
  taggerArgument(tagger, 'checkMany: tagger', ['listMany']);
  const checked = policyArgument(policy, 'checkMany: policy');
  // The tagger checks the ARNs and the options.
  const read = await tagger.listMany(arns, options);
  const results = read.results.map((r) => judged(checked, r));
  return reportOf(results, read.calls, read.durationMs);
}

/** One resource as read, judged against the policy. */
export function judged(policy: TagPolicy, r: ReadResult): CheckResult {
  if (r.outcome !== 'read' || !r.tags || r.type === undefined) {
    const outcome = r.outcome === 'skipped' ? 'skipped' : 'failed';
    return { arn: r.arn, type: r.type, outcome, findings: [], error: r.error };
  }
  const findings = findingsOf(policy, { arn: r.arn, type: r.type, tags: r.tags });
  const outcome = findings.length > 0 ? 'noncompliant' : 'compliant';
  return { arn: r.arn, type: r.type, outcome, tags: r.tags, findings };
}

/**
 * `checkMany` against each account's effective policy: the accounts of the ARNs first (STS once, for ARNs that
 * name none), then one DescribeEffectivePolicy per account, four at a time (Organizations' rates are low), then
 * the reads of the resources whose policy is known. ARNs that do not parse are left to the read, which says why.
 */
async function checkByAccount(
  tagger: OrganizationsReader,
  arns: string[],
  options?: BulkOptions<ReadResult>,
): Promise<CheckReport> {
  requireOrganizationsPackage();
  const started = Date.now();
  const unique = [...new Set(arns)];
  const { value, calls } = await countCalls(async () => {
    const accounts = await accountsOf(tagger, unique, options?.signal);
    const policies = await policiesOf(tagger, accounts, options?.signal);
    // The policy a resource is checked against, or why there is none (undefined: an ARN left to the read).
    const policyOf = (arn: string): TagPolicy | UnitagError | undefined => {
      const account = accounts.get(arn);
      return account === undefined || account instanceof Error ? account : policies.get(account.account);
    };
    const readable = unique.filter((arn) => !(policyOf(arn) instanceof Error));
    const read = readable.length > 0 ? (await tagger.listMany(readable, options)).results : [];
    const byArn = new Map(read.map((r) => [r.arn, r]));
    const results = unique.map((arn) => lineOf(arn, accounts.get(arn), policyOf(arn), byArn.get(arn)));
    return { results, policies };
  });
  const policies = [...value.policies].filter((e): e is [string, TagPolicy] => !(e[1] instanceof Error));
  return { ...reportOf(value.results, calls, Date.now() - started), policies: Object.fromEntries(policies) };
}

/** An account whose policy applies, and the partition of its organization. */
interface Account {
  account: string;
  partition: string;
}

/** The account of each ARN that parses: its own, or the credentials' (one STS call) where it names none. */
async function accountsOf(
  tagger: OrganizationsReader,
  arns: string[],
  signal: AbortSignal | undefined,
): Promise<Map<string, Account | UnitagError>> {
  const accounts = new Map<string, Account | UnitagError>();
  let own: Promise<string | UnitagError> | undefined;
  for (const arn of arns) {
    let parsed: ReturnType<typeof parseArn>;
    try {
      parsed = parseArn(arn);
    } catch {
      continue;
    }
    const { accountId, partition } = parsed;
    if (accountId !== '') {
      accounts.set(arn, { account: accountId, partition });
      continue;
    }
    own ??= tagger.account({ signal }).catch((error: UnitagError) => error);
    const account = await own;
    accounts.set(arn, account instanceof Error ? account : { account, partition });
  }
  return accounts;
}

/** Each account's effective policy, or why it could not be read: one call per account, four at a time. */
async function policiesOf(
  tagger: OrganizationsReader,
  accounts: Map<string, Account | UnitagError>,
  signal: AbortSignal | undefined,
): Promise<Map<string, TagPolicy | UnitagError>> {
  const wanted = new Map<string, string>();
  for (const a of accounts.values()) {
    if (!(a instanceof Error) && !wanted.has(a.account)) wanted.set(a.account, a.partition);
  }
  // Organizations throttles at a few requests a second per account: a few calls at once is enough.
  const limit = pLimit(4);
  const policies = new Map<string, TagPolicy | UnitagError>();
  await Promise.all(
    [...wanted].map(([account, partition]) =>
      limit(async () => {
        const policy = await tagger
          .organizationTagPolicy(account, { partition, signal })
          .catch((error: UnitagError) => error);
        policies.set(account, policy);
      }),
    ),
  );
  return policies;
}

/** One resource's line: failed where its account's policy could not be had, else judged against it. */
function lineOf(
  arn: string,
  account: Account | UnitagError | undefined,
  policy: TagPolicy | UnitagError | undefined,
  read: ReadResult | undefined,
): CheckResult {
  const line: CheckResult =
    policy instanceof Error
      ? { arn, outcome: 'failed', findings: [], error: policy }
      : read
        ? judged(policy ?? { rules: [] }, read)
        : { arn, outcome: 'skipped', findings: [] };
  return account === undefined || account instanceof Error ? line : { ...line, account: account.account };
}

/** The report's totals over its lines. */
export function reportOf(results: CheckResult[], calls: number, durationMs: number): CheckReport {
  const totals = { total: results.length, compliant: 0, noncompliant: 0, failed: 0, skipped: 0 };
  for (const r of results) totals[r.outcome]++;
  const findings = results.flatMap((r) => r.findings);
  const enforced = findings.filter((f) => f.enforced).length;
  return { results, totals: { ...totals, findings: findings.length, enforced }, calls, durationMs };
}

/** What a resource carries for one rule, and how the policy judges it. */
export interface KeyState {
  rule: TagKeyRule;
  /** The resource's keys equal to the rule's key but for case, with their values. */
  carried: Tags;
  /** Those spelled otherwise than the policy. */
  misspelt: string[];
  /** The values carried, without repeats. */
  values: string[];
  /** Those the policy does not allow. */
  badValues: string[];
  required: boolean;
  enforced: boolean;
}

/** What `resource` carries for `rule`, judged. */
export function stateOf(rule: TagKeyRule, resource: TaggedResource): KeyState {
  const lower = rule.tagKey.toLowerCase();
  const carried = newTags();
  for (const [key, value] of Object.entries(resource.tags)) {
    if (!isReservedKey(key) && key.toLowerCase() === lower) carried[key] = value;
  }
  const values = [...new Set(Object.values(carried))];
  return {
    rule,
    carried,
    misspelt: Object.keys(carried).filter((k) => k !== rule.tagKey),
    values,
    badValues: values.filter((v) => !allows(rule.values, v)),
    required: lists(rule.requiredFor, resource.type),
    enforced: lists(rule.enforcedFor, resource.type),
  };
}

/** The finding `s` makes on a resource of `type`, if any. */
export function findingOf(s: KeyState, type: string): Finding | undefined {
  const key = s.rule.tagKey;
  const finding = (kind: FindingKind, detail: string, allowed?: string[]): Finding => ({
    key,
    kind,
    enforced: s.enforced,
    carried: s.carried,
    ...(allowed ? { allowed } : {}),
    detail,
  });
  if (s.values.length === 0) {
    return s.required
      ? finding('required-missing', `missing; the policy requires "${key}" on ${type}`)
      : undefined;
  }
  const allowed = s.badValues.length > 0 ? [...(s.rule.values ?? [])] : undefined;
  const values = `${quoted(s.badValues)} not allowed (allowed: ${allowed?.join(', ')})`;
  if (s.misspelt.length > 0) {
    const also = allowed ? `, and ${values}` : '';
    return finding(
      'key-case',
      `carries ${quoted(s.misspelt)}; the policy spells it "${key}"${also}`,
      allowed,
    );
  }
  return allowed ? finding('value-not-allowed', values, allowed) : undefined;
}

/** The steps that fix one key, or why (part of) it cannot be fixed. */
/** Values in double quotes, comma-separated, for messages. */
export function quoted(values: string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}
