// Static checks of an IAM identity policy for holes in tag-based access control (ABAC). The policy is read and
// checked by iam-policy.ts; each statement is then seen through AWS's Service Authorization Reference
// (policy-view.ts) and handed to the rules of policy-rules.ts, which tell guards from holes with
// policy-guards.ts. No AWS call is made.
import { ConfigurationError } from '../core/errors.js';
import { type ActionInfo, isGlobalConditionKey, keyMatches } from './iam-data.js';
import { holdsWithoutKey, type IamPolicy, readPolicy } from './iam-policy.js';
import { ACCESS_RULES } from './policy-access-rules.js';
import { comparesToPrincipal, denyIndex, isPositive, tagConditionKey } from './policy-guards.js';
import { closedBy, type Layers, limitsOf, readLayers } from './policy-layers.js';
import { OPERATOR_RULES } from './policy-operator-rules.js';
import { RULES } from './policy-rules.js';
import type {
  ClosedFinding,
  LintContext,
  LintFinding,
  LintOptions,
  LintResult,
  LintRule,
  PolicySet,
  RuleHit,
  StatementView,
} from './policy-types.js';
import { actionId, viewOf } from './policy-view.js';

export type {
  ClosedFinding,
  LintFinding,
  LintOptions,
  LintResult,
  LintRuleId,
  LintSeverity,
  PolicyInput,
  PolicySet,
} from './policy-types.js';

/**
 * Lints an IAM identity policy (JSON text or the parsed document) for ABAC holes. Each finding names its rule,
 * the statement and what a principal could do; no finding means none of the rules applies.
 *
 * @throws InvalidPolicyError when the document is not JSON, not an identity policy, or names an unknown action.
 * @throws ConfigurationError when `protect` is not a list of tag keys a principal could change.
 * @example
 * const { findings, protectedKeys } = await lintPolicy(readFileSync('policy.json', 'utf8'));
 * for (const f of findings) console.log(f.rule, f.statement.index, f.message);
 */
export async function lintPolicy(input: string | object, options: LintOptions = {}): Promise<LintResult> {
  const given = protectOption(options);
  const policy = await readPolicy(input);
  const { closed, ...result } = await lint(
    { granting: [{ name: '', policy }], boundary: undefined, scps: [] },
    given,
  );
  // A Deny without condition can close a finding in one policy too.
  return closed.length > 0 ? { ...result, closed } : result;
}

/**
 * Lints several policies that together decide a principal's requests: identity policies (read together, so a
 * hole that needs two of them is found), a resource-based policy, a permissions boundary and SCPs. A hole counts
 * only where the boundary and every SCP let it through and no Deny of any of them denies it; what they close is
 * in `closed`, with what closes it. Findings name their policy (`statement.policy`: the name given, or
 * `identity[0]`, `boundary`, `scp[1]`, `resource policy`).
 *
 * @throws InvalidPolicyError when a document is not JSON or not a policy (the message names it).
 * @throws ConfigurationError when `protect` is not a list of tag keys a principal could change.
 * @example
 * const result = await lintPolicies({
 *   identity: [{ name: 'app.json', policy: readFileSync('app.json', 'utf8') }],
 *   boundary: { name: 'boundary.json', policy: readFileSync('boundary.json', 'utf8') },
 * });
 */
export async function lintPolicies(set: PolicySet, options: LintOptions = {}): Promise<LintResult> {
  const given = protectOption(options);
  return lint(await readLayers(set), given);
}

async function lint(layers: Layers, given: string[]): Promise<LintResult & { closed: ClosedFinding[] }> {
  const protectedKeys =
    given.length > 0 ? given : dedupe(layers.granting.flatMap((p) => inferProtectedKeys(p.policy)));
  const views = await Promise.all(layers.granting.flatMap((p) => p.policy.statements).map(viewOf));
  const limiting = [layers.boundary, ...layers.scps].filter((p) => p !== undefined);
  const limitViews = await Promise.all(limiting.flatMap((p) => p.policy.statements).map(viewOf));
  const denies = denyIndex([...views, ...limitViews], actionId);
  const deniesOf = (action: ActionInfo) => denies.get(actionId(action)) ?? [];
  const principalKeys =
    given.length > 0 ? given : dedupe(layers.granting.flatMap((p) => inferKeys(p.policy, false)));
  const context: LintContext = { protectedKeys, principalKeys, views, deniesOf };
  const limits = await limitsOf(layers, context);
  const unconditioned = [...views, ...limitViews].filter(
    (v) => v.statement.effect === 'Deny' && v.statement.conditions.length === 0,
  );
  const findings: LintFinding[] = [];
  const closed: ClosedFinding[] = [];
  for (const view of views) {
    const { index, sid, line, policy } = view.statement;
    const statement = {
      index,
      ...(sid === undefined ? {} : { sid }),
      ...(line === undefined ? {} : { line }),
      ...(policy ? { policy } : {}),
    };
    for (const rule of lintRules()) {
      for (const hit of await rule.check(view, context)) {
        const finding: LintFinding = { rule: rule.id, severity: rule.severity, statement, ...hit };
        const by = await closedBy(finding, view, limits, unconditioned);
        if (by === undefined) findings.push(finding);
        else closed.push({ ...finding, closedBy: by });
      }
    }
  }
  // The holes first: the error that opens access before the warnings about how a statement reads.
  const rank = (f: LintFinding) => (f.severity === 'error' ? 0 : 1);
  findings.sort((a, b) => rank(a) - rank(b));
  return { findings, closed, protectedKeys, inferred: given.length === 0 };
}

// The tag keys given to protect, checked: a list of non-empty keys a principal could change.
function protectOption(options: LintOptions): string[] {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('lintPolicy options must be an object: { protect: ["project"] }');
  }
  const { protect } = options as { protect?: unknown };
  if (protect === undefined) return [];
  if (!Array.isArray(protect) || !protect.every((k) => typeof k === 'string')) {
    throw new ConfigurationError(
      `protect must be an array of tag keys, such as ["project"], not ${JSON.stringify(protect)}`,
    );
  }
  for (const key of protect) {
    if (key.trim() === '') throw new ConfigurationError('a protected tag key cannot be empty');
    if (/^aws:/i.test(key)) {
      throw new ConfigurationError(
        `the protected tag key "${key}" starts with aws:, which AWS reserves for the tags it sets itself: no ` +
          'principal can set or remove such a tag, so there is nothing to protect. Give a key of your own tags',
      );
    }
  }
  return dedupe(protect);
}

/**
 * The tag keys the policy compares to `${aws:PrincipalTag/...}` in a resource or request tag condition
 * (`aws:ResourceTag/K`, `ec2:ResourceTag/K`, `s3:ExistingObjectTag/K`, ...), and those an Allow of other actions
 * than tagging grants by a literal value (`s3:ExistingObjectTag/environment` = `production` on `s3:GetObject`).
 * AWS's own `aws:` tags are left out: no principal can change them.
 */
export function inferProtectedKeys(policy: IamPolicy): string[] {
  return inferKeys(policy, true);
}

// The keys compared to principal tags, and with `literal` those granted by a literal value too.
function inferKeys(policy: IamPolicy, literal: boolean): string[] {
  const keys: string[] = [];
  for (const statement of policy.statements) {
    const grants =
      statement.effect === 'Allow' && (statement.notAction || statement.actions.some(grantsAccess));
    for (const condition of statement.conditions) {
      const tag = tagConditionKey(condition.key);
      if (tag?.tag === undefined || /^aws:/i.test(tag.tag)) continue;
      const granted =
        literal && grants && tag.kind === 'resource' && isPositive(condition) && !condition.ifExists;
      if (comparesToPrincipal(condition) || granted) keys.push(tag.tag);
    }
  }
  return dedupe(keys);
}

// An action pattern that reaches more than tagging: grants by a tag on it make that tag worth protecting.
const grantsAccess = (action: string) => !/tag/i.test(action.slice(action.indexOf(':') + 1));

// Keys in first-seen order, once each (IAM compares condition keys case-insensitively).
function dedupe(keys: string[]): string[] {
  const seen = new Set<string>();
  return keys.filter((k) => k !== '' && !seen.has(k.toLowerCase()) && seen.add(k.toLowerCase()));
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

/** Every rule the linter runs, in the order it runs them. */
export function lintRules(): readonly LintRule[] {
  return [...RULES, ...ACCESS_RULES, ...OPERATOR_RULES, unsupportedConditionKey];
}
