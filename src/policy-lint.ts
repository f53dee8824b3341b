// Static checks of an IAM identity policy for holes in tag-based access control (ABAC). The policy is read and
// checked by iam-policy.ts; each statement is then seen through AWS's Service Authorization Reference (which
// actions it matches, which condition keys they carry, which resource types its Resource covers) and handed to
// the rules of policy-rules.ts. No AWS call is made.
import {
  type ActionInfo,
  actionInfo,
  conditionKeysOf,
  expandAction,
  isGlobalConditionKey,
  keyMatches,
  resourceTypeInfo,
} from './iam-data.js';
import {
  holdsWithoutKey,
  type IamPolicy,
  type PolicyCondition,
  type PolicyStatement,
  readPolicy,
} from './iam-policy.js';
import { RULES } from './policy-rules.js';

/** The rules' ids, stable across releases. */
export type LintRuleId =
  | 'retag-away'
  | 'retag-any'
  | 'create-without-request-tag'
  | 'self-retag'
  | 's3-object-generic-tag-keys'
  | 's3-bucket-tag-condition'
  | 'passrole-by-tag'
  | 'createtags-createaction-wildcard'
  | 'unsupported-condition-key';

/** How bad a finding is: `error` opens a hole, `warning` makes a statement do other than it says. */
export type LintSeverity = 'error' | 'warning';

/** One problem the linter found in one statement. */
export interface LintFinding {
  rule: LintRuleId;
  severity: LintSeverity;
  /** The statement: its index in `Statement`, its Sid, and its line when the policy was read from text. */
  statement: { index: number; sid?: string; line?: number };
  /** What a principal could do (or what silently does not work), and how to fix it. */
  message: string;
  /** The actions concerned, as `service:Action`. */
  actions?: string[];
  /** The tag keys or condition keys concerned. */
  keys?: string[];
}

/** Options of {@link lintPolicy}. */
export interface LintOptions {
  /** Tag keys that grant access; without any, those the policy compares to `${aws:PrincipalTag/...}`. */
  protect?: string[];
}

/** What {@link lintPolicy} found. */
export interface LintResult {
  findings: LintFinding[];
  /** The protected tag keys the rules checked. */
  protectedKeys: string[];
  /** True when they were inferred from the policy rather than given. */
  inferred: boolean;
}

/** What the rules see of one statement. */
export interface StatementView {
  statement: PolicyStatement;
  /** The actions it matches, through wildcards and `NotAction`. */
  actions: ActionInfo[];
  /** True when the action is named as it is (no wildcard, no NotAction). */
  named(action: ActionInfo): boolean;
  /** True when the action carries the condition key: its own keys, its resource types' keys, or a global key. */
  supports(action: ActionInfo, key: string): Promise<boolean>;
  /** False when a condition on a key the action never carries can never hold: the statement skips the action. */
  applies(action: ActionInfo): Promise<boolean>;
  /** True when the statement's Resource covers the action's resource type named `type`. */
  covers(action: ActionInfo, type: string): Promise<boolean>;
  /** The conditions on a key, compared as IAM does (case-insensitively). */
  conditionsOn(key: string): PolicyCondition[];
}

/** What every rule sees of the policy. */
export interface LintContext {
  protectedKeys: string[];
  views: StatementView[];
}

/** A rule's finding, before the linter adds the rule, its severity and the statement. */
export type RuleHit = Pick<LintFinding, 'message' | 'actions' | 'keys'>;

/** One rule: a stable id, a severity and a check of one statement. */
export interface LintRule {
  id: LintRuleId;
  severity: LintSeverity;
  check(view: StatementView, context: LintContext): Promise<RuleHit[]>;
}

/** `service:Action` in lower case: how actions are compared. */
export const actionId = (action: ActionInfo): string => `${action.service}:${action.name}`.toLowerCase();

/**
 * Lints an IAM identity policy (JSON text or the parsed document) for ABAC holes. Each finding names its rule,
 * the statement and what a principal could do; no finding means none of the rules applies.
 *
 * @throws InvalidPolicyError when the document is not JSON, not an identity policy, or names an unknown action.
 * @example
 * const { findings, protectedKeys } = await lintPolicy(readFileSync('policy.json', 'utf8'));
 * for (const f of findings) console.log(f.rule, f.statement.index, f.message);
 */
export async function lintPolicy(input: string | object, options: LintOptions = {}): Promise<LintResult> {
  const policy = await readPolicy(input);
  const given = dedupe(options.protect ?? []);
  const protectedKeys = given.length > 0 ? given : inferProtectedKeys(policy);
  const views = await Promise.all(policy.statements.map(viewOf));
  const context: LintContext = { protectedKeys, views };
  const findings: LintFinding[] = [];
  for (const view of views) {
    const { index, sid, line } = view.statement;
    const statement = {
      index,
      ...(sid === undefined ? {} : { sid }),
      ...(line === undefined ? {} : { line }),
    };
    for (const rule of [...RULES, unsupportedConditionKey]) {
      for (const hit of await rule.check(view, context)) {
        findings.push({ rule: rule.id, severity: rule.severity, statement, ...hit });
      }
    }
  }
  return { findings, protectedKeys, inferred: given.length === 0 };
}

const PRINCIPAL_TAG = /\$\{aws:PrincipalTag\/[^}]+\}/i;
const TAG_PREFIXES = ['aws:resourcetag/', 'aws:requesttag/'];

/** The tag keys the policy compares to `${aws:PrincipalTag/...}` in aws:ResourceTag/K or aws:RequestTag/K. */
export function inferProtectedKeys(policy: IamPolicy): string[] {
  const keys: string[] = [];
  for (const statement of policy.statements) {
    for (const { key, values } of statement.conditions) {
      const prefix = TAG_PREFIXES.find((p) => key.toLowerCase().startsWith(p));
      if (prefix && values.some((v) => PRINCIPAL_TAG.test(v))) keys.push(key.slice(prefix.length));
    }
  }
  return dedupe(keys);
}

// Keys in first-seen order, once each (IAM compares condition keys case-insensitively).
function dedupe(keys: string[]): string[] {
  const seen = new Set<string>();
  return keys.filter((k) => k !== '' && !seen.has(k.toLowerCase()) && seen.add(k.toLowerCase()));
}

async function viewOf(statement: PolicyStatement): Promise<StatementView> {
  const matched = new Set<string>();
  for (const pattern of statement.actions)
    for (const a of await expandAction(pattern)) matched.add(a.toLowerCase());
  const ids = statement.notAction
    ? (await expandAction('*')).filter((a) => !matched.has(a.toLowerCase()))
    : [...matched];
  const actions = (await Promise.all(ids.map((id) => actionInfo(id)))).filter((a) => a !== undefined);
  const named = new Set(
    statement.notAction ? [] : statement.actions.filter((a) => !/[*?]/.test(a)).map((a) => a.toLowerCase()),
  );
  const supports = async (action: ActionInfo, key: string) =>
    (await isGlobalConditionKey(key)) || (await keysOf(action)).some((pattern) => keyMatches(pattern, key));
  return {
    statement,
    actions,
    named: (action) => named.has(actionId(action)),
    supports,
    applies: async (action) => {
      for (const condition of statement.conditions) {
        if (!holdsWithoutKey(condition) && !(await supports(action, condition.key))) return false;
      }
      return true;
    },
    covers: (action, type) => covers(statement, action, type),
    conditionsOn: (key) => statement.conditions.filter((c) => c.key.toLowerCase() === key.toLowerCase()),
  };
}

const keyCache = new Map<string, Promise<string[]>>();
function keysOf(action: ActionInfo): Promise<string[]> {
  const id = actionId(action);
  let keys = keyCache.get(id);
  if (!keys) {
    keys = conditionKeysOf(action);
    keyCache.set(id, keys);
  }
  return keys;
}

async function covers(statement: PolicyStatement, action: ActionInfo, type: string): Promise<boolean> {
  // NotResource covers all but what it names; telling whether that spares a whole type is not worth guessing.
  if (statement.notResource) return !statement.resources.includes('*');
  const arn = (await resourceTypeInfo(action.service, type))?.arn;
  if (arn === undefined) return true;
  return statement.resources.some((pattern) => arnPatternsMeet(pattern, arn));
}

/**
 * True when some ARN matches both patterns: a policy's Resource (`arn:aws:ec2:*:*:instance/*`, with policy
 * variables such as `${aws:username}`) and a resource type's ARN (`arn:${Partition}:ec2:${Region}:...`). IAM
 * matches the five fields before the resource one by one; the resource part may hold colons.
 */
export function arnPatternsMeet(policyPattern: string, typePattern: string): boolean {
  // A variable of a type's ARN is one path segment (`${BucketName}`), unless its name says it holds slashes.
  const segment = (name: string) => (/path|object|key/i.test(name) ? '*' : SEGMENT);
  const fields = (p: string, type: boolean) => {
    const parts = p.replace(/\$\{([^}]*)\}/g, (_, name: string) => (type ? segment(name) : '*')).split(':');
    return parts.length < 6 ? [parts.join(':')] : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  if (policyPattern === '*') return true;
  const a = fields(policyPattern, false);
  const b = fields(typePattern, true);
  if (a.length !== b.length) return globsMeet(a.join(':'), b.join(':'));
  return a.every((field, i) => globsMeet(field, b[i] as string));
}

// Stands for a run of characters without a slash, in a resource type's ARN pattern only.
const SEGMENT = '\u0000';

/** True when some string matches both wildcard patterns (`*` any run, `?` one character). */
export function globsMeet(a: string, b: string): boolean {
  const width = b.length + 1;
  const memo = new Map<number, boolean>();
  const meet = (i: number, j: number): boolean => {
    const cached = memo.get(i * width + j);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === '*') result = meet(i + 1, j) || (j < b.length && meet(i, j + 1));
    else if (b[j] === '*' || b[j] === SEGMENT)
      result = meet(i, j + 1) || (i < a.length && (b[j] === '*' || a[i] !== '/') && meet(i + 1, j));
    else if (i === a.length || j === b.length) result = false;
    else result = (a[i] === '?' || b[j] === '?' || a[i] === b[j]) && meet(i + 1, j + 1);
    memo.set(i * width + j, result);
    return result;
  };
  return meet(0, 0);
}

// Kept beside the engine rather than in policy-rules.ts: it is about AWS's reference, not about tags.
const unsupportedConditionKey: LintRule = {
  id: 'unsupported-condition-key',
  severity: 'warning',
  async check(view) {
    const hits: RuleHit[] = [];
    const done = new Set<string>();
    for (const { key } of view.statement.conditions) {
      if (done.has(key.toLowerCase()) || (await isGlobalConditionKey(key))) continue;
      done.add(key.toLowerCase());
      const holds = view.conditionsOn(key).every(holdsWithoutKey);
      const never: string[] = [];
      const partly: string[] = [];
      let wildcardSupported = false;
      const wildcards = view.actions.filter((a) => !view.named(a));
      for (const a of view.actions) {
        if (!view.named(a) && wildcardSupported) continue;
        const whole = !(await view.supports(a, key));
        const types =
          whole || holds || view.statement.effect === 'Deny' ? [] : await missingOnTypes(view, a, key);
        if (!whole && types.length === 0) wildcardSupported ||= !view.named(a);
        else if (view.named(a))
          (whole ? never : partly).push(whole ? actionName(a) : `${actionName(a)} (${types.join(', ')})`);
      }
      if (wildcards.length > 0 && !wildcardSupported)
        never.push(
          `the ${wildcards.length} action${wildcards.length === 1 ? '' : 's'} matched by ${patterns(view)}`,
        );
      if (never.length > 0)
        hits.push({ message: unsupportedMessage(view, key, never, holds), actions: never, keys: [key] });
      if (partly.length > 0)
        hits.push({ message: resourceMessage(key, partly), actions: partly, keys: [key] });
    }
    return hits;
  },
};

const actionName = (a: ActionInfo) => `${a.service}:${a.name}`;
const patterns = (view: StatementView) =>
  `${view.statement.notAction ? 'NotAction ' : ''}${view.statement.actions.filter((a) => /[*?]/.test(a) || view.statement.notAction).join(', ')}`;

function unsupportedMessage(view: StatementView, key: string, actions: string[], holds: boolean): string {
  const allow = view.statement.effect === 'Allow';
  const effect = holds
    ? allow
      ? 'so the condition always holds for them and restricts nothing'
      : 'so the condition always holds for them and this Deny denies them whatever the request'
    : allow
      ? 'so this Allow silently grants nothing for them'
      : 'so this Deny silently denies nothing for them';
  return (
    `${key} is not a condition key of ${actions.join(', ')} in AWS's Service Authorization Reference: it is never ` +
    `in their requests, ${effect}. Move them to a statement of their own, or use a key they support`
  );
}

function resourceMessage(key: string, actions: string[]): string {
  return (
    `${key} is not a condition key of these required resources, which the statement's Resource covers: ` +
    `${actions.join(', ')}. EC2 authorizes each resource of a request on its own, and the key is absent for ` +
    'those, so this Allow never allows the action. Give those resources a statement without this condition'
  );
}

// EC2's reference lists the condition keys resource by resource for each action, and EC2 evaluates them that
// way (a RunInstances request is authorized for its image, subnet, ... one by one). Other services' per-action
// lists are often partial, so only EC2's are trusted here.
async function missingOnTypes(view: StatementView, action: ActionInfo, key: string): Promise<string[]> {
  if (action.service !== 'ec2' || action.conditionKeys.some((p) => keyMatches(p, key))) return [];
  const missing: string[] = [];
  for (const type of action.resourceTypes) {
    if (!type.required || type.conditionKeys.some((p) => keyMatches(p, key))) continue;
    if (await view.covers(action, type.name)) missing.push(type.name);
  }
  return missing;
}
