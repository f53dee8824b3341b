// The policy linter's vocabulary: its findings, options and result, and what its rules see of a policy. Kept apart
// from the linter so that the rules (policy-rules.ts), the guards they ask (policy-guards.ts) and the statement
// views (policy-view.ts) depend on these types, not on the linter that runs them.
import type { ActionInfo } from './iam-data.js';
import type { PolicyCondition, PolicyStatement } from './iam-policy.js';
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
  | 'retag-unconditioned'
  | 'abac-bypassed'
  | 'principal-tag-wildcard'
  | 'resource-tag-if-exists'
  | 'unsupported-condition-key';

/** How bad a finding is: `error` opens a hole, `warning` makes a statement do other than it says. */
export type LintSeverity = 'error' | 'warning';

/** One problem the linter found in one statement. */
export interface LintFinding {
  rule: LintRuleId;
  severity: LintSeverity;
  /** The statement: its index in `Statement`, its Sid, and its line when the policy was read from text. */
  statement: { index: number; sid?: string; line?: number; policy?: string };
  /** What a principal could do (or what silently does not work), and how to fix it. */
  message: string;
  /** The actions concerned, as `service:Action`. */
  actions?: string[];
  /** The tag keys or condition keys concerned. */
  keys?: string[];
}

/** Options of {@link lintPolicy}. */
export interface LintOptions {
  /**
   * Tag keys that grant access; without any, those the policy compares to `${aws:PrincipalTag/...}`. Each must be
   * a non-empty key without the `aws:` prefix (AWS's own tags, which no principal can change).
   */
  protect?: string[];
}

/** What {@link lintPolicy} found. */
export interface LintResult {
  findings: LintFinding[];
  /**
   * With several policies (`lintPolicies`): what the identity and resource policies would open, but a
   * permissions boundary, an SCP or a Deny without condition closes; each says which.
   */
  closed?: ClosedFinding[];
  /** The protected tag keys the rules checked. */
  protectedKeys: string[];
  /** True when they were inferred from the policy rather than given. */
  inferred: boolean;
}

/** What the rules see of one statement. */
export interface StatementView {
  statement: PolicyStatement;
  /** The actions it concerns: those it names, and what its wildcards or `NotAction` match that its Resource can name. */
  actions: ActionInfo[];
  /** True when the action is named as it is (no wildcard, no NotAction). */
  named(action: ActionInfo): boolean;
  /** True when the action carries the condition key: its own keys, its resource types' keys, or a global key. */
  supports(action: ActionInfo, key: string): Promise<boolean>;
  /** False when a condition on a key the action never carries can never hold: the statement skips the action. */
  applies(action: ActionInfo): Promise<boolean>;
  /** True when the statement's Resource (or NotResource) covers resources of the action's type named `type`. */
  covers(action: ActionInfo, type: string): Promise<boolean>;
  /** The conditions on a key, compared as IAM compares condition keys (case-insensitively). */
  conditionsOn(key: string): PolicyCondition[];
}

/** What every rule sees of the policy. */
export interface LintContext {
  protectedKeys: string[];
  /** The protected keys that are the principal's own attributes: compared to `${aws:PrincipalTag/K}`, or given. */
  principalKeys: string[];
  views: StatementView[];
  /** The Deny statements with one condition and a Resource that match the action: those that may guard a key. */
  deniesOf(action: ActionInfo): StatementView[];
}

/** A rule's finding, before the linter adds the rule, its severity and the statement. */
export type RuleHit = Pick<LintFinding, 'message' | 'actions' | 'keys'>;

/** One rule: a stable id, a severity and a check of one statement. */
export interface LintRule {
  id: LintRuleId;
  severity: LintSeverity;
  check(view: StatementView, context: LintContext): Promise<RuleHit[]>;
}

/** A finding that another policy closes: the boundary or an SCP does not allow it, or a Deny denies it. */
export interface ClosedFinding extends LintFinding {
  /** What closes it: `boundary`, `scp <name>`, or `deny <policy> Statement[i]`. */
  closedBy: string;
}

/** A policy document (JSON text or parsed), or one with the name findings give it (its file name). */
export type PolicyInput = string | object | { name: string; policy: string | object };

/**
 * The policies that together decide a principal's requests: identity policies (their statements are read
 * together), a permissions boundary, the SCPs that apply to its account, a resource-based policy.
 */
export interface PolicySet {
  identity: PolicyInput[];
  /** A hole counts only where the boundary allows it too. */
  boundary?: PolicyInput;
  /** A hole counts only where every SCP allows it too. */
  scps?: PolicyInput[];
  /** Its Allows grant as the identity policies' do (its `Principal` is taken to name the principal). */
  resourcePolicy?: PolicyInput;
}
