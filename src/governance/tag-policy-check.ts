// Checks resources' tags against a tag policy (tag-policy.ts); tag-policy-fix.ts works out the job that fixes
// what can be fixed. Pure, but for `checkMany`, which reads the tags in bulk through a tagger.

import { arnArgument, isPlainObject, refuse, taggerArgument, tagMapArgument } from '../core/arguments.js';
import { ConfigurationError, type UnitagError } from '../core/errors.js';
import { newTags } from '../core/shapes.js';
import type { Tags } from '../core/types.js';
import { isReservedKey } from '../core/validate.js';
import type { BulkOptions } from '../jobs/bulk.js';
import type { ReadReport, ReadResult } from '../jobs/report.js';
import { allows, lists, policyArgument, type TagKeyRule, type TagPolicy } from './tag-policy.js';

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

/**
 * Reads every resource's tags in bulk (the tagger's `listMany`) and checks them; a resource that cannot be read
 * is `failed`, with its error.
 */
export async function checkMany(
  tagger: TagReader,
  policy: TagPolicy,
  arns: string[],
  options?: BulkOptions<ReadResult>,
): Promise<CheckReport> {
  taggerArgument(tagger, 'checkMany: tagger', ['listMany']);
  policyArgument(policy, 'checkMany: policy');
  // The tagger checks the ARNs and the options.
  const read = await tagger.listMany(arns, options);
  const results = read.results.map((r): CheckResult => {
    if (r.outcome !== 'read' || !r.tags || r.type === undefined) {
      const outcome = r.outcome === 'skipped' ? 'skipped' : 'failed';
      return { arn: r.arn, type: r.type, outcome, findings: [], error: r.error };
    }
    const findings = findingsOf(policy, { arn: r.arn, type: r.type, tags: r.tags });
    const outcome = findings.length > 0 ? 'noncompliant' : 'compliant';
    return { arn: r.arn, type: r.type, outcome, tags: r.tags, findings };
  });
  const totals = { total: results.length, compliant: 0, noncompliant: 0, failed: 0, skipped: 0 };
  for (const r of results) totals[r.outcome]++;
  const findings = results.flatMap((r) => r.findings);
  const enforced = findings.filter((f) => f.enforced).length;
  return {
    results,
    totals: { ...totals, findings: findings.length, enforced },
    calls: read.calls,
    durationMs: read.durationMs,
  };
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
