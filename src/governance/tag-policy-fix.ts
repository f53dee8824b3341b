// The job that fixes what a tag-policy check found (tag-policy-check.ts), where it can be fixed: renames to the
// policy's spelling, values that differ only in case, a required key with a single allowed value.

import {
  arnArgument,
  isPlainObject,
  optional,
  refuse,
  taggerArgument,
  tagMapArgument,
} from '../core/arguments.js';
import { ConfigurationError } from '../core/errors.js';
import { hasTag, tagsFromEntries } from '../core/shapes.js';
import type { Tags } from '../core/types.js';
import { changesArgument } from '../jobs/arguments.js';
import type { Plan, PlanOptions } from '../jobs/plan.js';
import type { Change } from '../jobs/plan-change.js';
import { policyArgument, type TagPolicy } from './tag-policy.js';
import {
  type CheckResult,
  type Finding,
  type FindingKind,
  findingOf,
  type KeyState,
  stateOf,
} from './tag-policy-check.js';

/** A finding the fix job leaves alone, and why. */
export interface Unfixable {
  arn: string;
  key: string;
  kind: FindingKind;
  reason: string;
}

/** The job that fixes what can be fixed (one change per resource), and what it cannot fix. */
export interface Fix {
  changes: Change[];
  unfixable: Unfixable[];
}

// IAM users and roles keep one spelling per key whatever the case (docs/aws-facts.md, IAM): a rename in
// place is no rename there.
const ONE_SPELLING = new Set(['iam:user', 'iam:role']);
// S3's own calls (PutBucketTagging, PutObjectTagging) send the whole tag set, every key checked against the policy.
const WHOLE_SET = new Set(['s3:bucket', 's3:object']);

/**
 * The job that fixes what can be fixed, one change per resource in unitag's job format: a key spelled in another
 * case is renamed to the policy's spelling; a value that differs only in case from exactly one allowed value is
 * set to it; a required key whose policy allows one value, without wildcard, is set where absent. Resources
 * without a type or tags (not read) are left out.
 */
export function fixResources(
  policy: TagPolicy,
  resources: Iterable<{ arn: string; type?: string | undefined; tags?: Tags | undefined }>,
): Fix {
  policyArgument(policy, 'fixResources: policy');
  const fix: Fix = { changes: [], unfixable: [] };
  let i = 0;
  for (const resource of iterableArgument(resources, 'fixResources: resources')) {
    readLine(resource, `fixResources: resources[${i++}]`);
    const { arn, type, tags } = resource;
    if (type === undefined || tags === undefined) continue;
    const keys = policy.rules.flatMap((rule) => {
      const state = stateOf(rule, { arn, type, tags });
      const finding = findingOf(state, type);
      return finding ? [{ finding, ...fixKey(state, type) }] : [];
    });
    // One write of an S3 set carries every key: while an enforced key stays noncompliant, AWS refuses it all.
    const stuck = WHOLE_SET.has(type) ? keys.find((k) => k.stuckEnforced) : undefined;
    for (const { finding, reason } of keys) {
      const why =
        reason ??
        (stuck &&
          `left out: ${type} is written whole, and AWS refuses the set while "${stuck.finding.key}" stays noncompliant (enforced_for)`);
      if (why) fix.unfixable.push({ arn, key: finding.key, kind: finding.kind, reason: why });
    }
    const change = merge(arn, stuck ? [] : keys.map((k) => k.steps));
    if (change) fix.changes.push(change);
  }
  return fix;
}

interface KeyFix {
  steps: Steps;
  reason?: string | undefined;
  /** A noncompliant key stays behind on a type where it is enforced. */
  stuckEnforced: boolean;
}

interface Steps {
  rename?: [string, string] | undefined;
  remove?: string[] | undefined;
  set?: [string, string] | undefined;
  setIfAbsent?: [string, string] | undefined;
}

function fixKey(s: KeyState, type: string): KeyFix {
  const key = s.rule.tagKey;
  const spellings = Object.keys(s.carried);
  if (spellings.length === 0) {
    const only =
      s.rule.values?.length === 1 && !s.rule.values[0]?.includes('*') ? s.rule.values[0] : undefined;
    if (only !== undefined) return { steps: { setIfAbsent: [key, only] }, stuckEnforced: false };
    const which = s.rule.values ? `values ${s.rule.values.join(', ')}` : 'any value';
    return {
      steps: {},
      reason: `the policy allows ${which}: tag it with one (unitag tag ARN --tag ${key}=VALUE)`,
      stuckEnforced: false,
    };
  }
  if (s.values.length > 1) {
    const pairs = spellings.map((k) => `"${k}"="${s.carried[k]}"`).join(', ');
    return {
      steps: {},
      reason: `carries ${pairs}: keep one of them (unitag untag ARN --key KEY)`,
      stuckEnforced: s.enforced,
    };
  }
  const value = s.values[0] as string;
  const reasons: string[] = [];
  let next = value;
  if (s.badValues.length > 0) {
    const near = [
      ...new Set(s.rule.values?.filter((v) => !v.includes('*') && v.toLowerCase() === value.toLowerCase())),
    ];
    if (near.length === 1) next = near[0] as string;
    else reasons.push(`"${value}" is not allowed, and no single allowed value differs from it only in case`);
  }
  const steps: Steps = {};
  if (s.misspelt.length > 0) {
    if (ONE_SPELLING.has(type)) {
      reasons.push(
        `${type} keeps one spelling per key: untag "${s.misspelt[0]}", then tag "${key}" (two runs)`,
      );
    } else if (reasons.length > 0 && s.enforced) {
      reasons.push(
        `AWS refuses writing "${key}" with a value the policy does not allow on ${type} (enforced_for)`,
      );
    } else if (hasTag(s.carried, key)) steps.remove = s.misspelt;
    else {
      steps.rename = [s.misspelt[0] as string, key];
      steps.remove = s.misspelt.slice(1);
    }
  }
  // The value goes under the policy's spelling where the resource has it (or gets it now), else the one it has.
  if (next !== value)
    steps.set = [steps.rename || hasTag(s.carried, key) ? key : (spellings[0] as string), next];
  const reason = reasons.length > 0 ? reasons.join('; ') : undefined;
  return { steps, reason, stuckEnforced: reason !== undefined && s.enforced };
}

// One change per resource; prototype-free maps, so that a key named `__proto__` is a key like any other.
function merge(arn: string, all: Steps[]): Change | undefined {
  const rename = all.flatMap((s) => (s.rename ? [s.rename] : []));
  const remove = all.flatMap((s) => s.remove ?? []);
  const set = all.flatMap((s) => (s.set ? [s.set] : []));
  const setIfAbsent = all.flatMap((s) => (s.setIfAbsent ? [s.setIfAbsent] : []));
  if (rename.length + remove.length + set.length + setIfAbsent.length === 0) return undefined;
  return {
    arn,
    ...(rename.length > 0 ? { rename: tagsFromEntries(rename) } : {}),
    ...(set.length > 0 ? { set: tagsFromEntries(set) } : {}),
    ...(setIfAbsent.length > 0 ? { setIfAbsent: tagsFromEntries(setIfAbsent) } : {}),
    ...(remove.length > 0 ? { remove } : {}),
  };
}

/** What `fitFix` plans with: a tagger's `plan`. */
export interface Planner {
  plan(changes: Change[], options?: PlanOptions): Promise<Plan>;
}

/**
 * The fix, planned against the tags just read (no AWS call): a change the resource's rules refuse (an S3 object
 * holds 10 tags) loses its additions and is planned again; what still fails is left out. Each part left out is
 * listed in `unfixable` with the rule's message.
 */
export async function fitFix(tagger: Planner, fix: Fix, read: Iterable<CheckResult>): Promise<Fix> {
  taggerArgument(tagger, 'fitFix: tagger', ['plan']);
  fixArgument(fix, 'fitFix: fix');
  const current = new Map<string, Tags>();
  const findings = new Map<string, Finding[]>();
  let i = 0;
  for (const r of iterableArgument(read, 'fitFix: read')) {
    readLine(r, `fitFix: read[${i++}]`);
    if (
      !Array.isArray(r.findings) ||
      !r.findings.every((f) => isPlainObject(f) && typeof f.key === 'string')
    ) {
      refuse(
        ConfigurationError,
        `fitFix: read[${i - 1}].findings`,
        'the findings of a checkMany line',
        r.findings,
      );
    }
    if (r.tags) current.set(r.arn, r.tags);
    findings.set(r.arn, r.findings);
  }
  const refused = async (changes: Change[]) => {
    const plan = await tagger.plan(changes, { current });
    return new Map(plan.entries.filter((e) => e.status === 'failed').map((e) => [e.arn, e.error]));
  };
  const first = await refused(fix.changes);
  if (first.size === 0) return fix;
  const unfixable = [...fix.unfixable];
  const leaveOut = (arn: string, keys: string[] | undefined, message: string) => {
    for (const f of findings.get(arn) ?? [])
      if (!keys || keys.includes(f.key))
        unfixable.push({ arn, key: f.key, kind: f.kind, reason: `left out: ${message}` });
  };
  // Without the keys it would add, the change may fit (a rename keeps the count).
  const retried = fix.changes
    .filter((c) => first.has(c.arn) && c.setIfAbsent !== undefined)
    .map(({ setIfAbsent: _added, ...rest }) => rest);
  const second = await refused(retried);
  const kept = new Map(retried.filter((c) => !second.has(c.arn)).map((c) => [c.arn, c]));
  const changes: Change[] = [];
  for (const change of fix.changes) {
    const error = first.get(change.arn);
    if (!first.has(change.arn)) changes.push(change);
    else {
      const message = error?.message ?? 'the resource refuses it';
      const smaller = kept.get(change.arn);
      if (smaller && (smaller.rename || smaller.set || smaller.remove)) {
        changes.push(smaller);
        leaveOut(change.arn, Object.keys(change.setIfAbsent ?? {}), message);
      } else leaveOut(change.arn, undefined, message);
    }
  }
  return { changes, unfixable };
}

/** An iterable argument: an array, a Set, a generator. */
function iterableArgument<T>(value: Iterable<T>, field: string): Iterable<T> {
  const iterable = value as Partial<Iterable<T>> | null;
  if (typeof iterable?.[Symbol.iterator] !== 'function' || typeof value === 'string') {
    refuse(ConfigurationError, field, 'an array (or another iterable) of checked resources', value);
  }
  return value;
}

/** A resource as checked: its ARN, and its type and tags where it could be read. */
function readLine(line: unknown, field: string): void {
  if (!isPlainObject(line)) refuse(ConfigurationError, field, 'a resource { arn, type?, tags? }', line);
  arnArgument(line.arn, `${field}.arn`);
  optional.string(line.type, `${field}.type`);
  if (line.tags !== undefined) tagMapArgument(line.tags, `${field}.tags`);
}

/** A fix from `fixResources`: its changes and what it left out. */
function fixArgument(value: unknown, field: string): void {
  if (!isPlainObject(value) || !Array.isArray(value.unfixable)) {
    refuse(ConfigurationError, field, 'a fix from fixResources() ({ changes, unfixable })', value);
  }
  changesArgument(value.changes, `${field}.changes`);
}
