// Governance: what governs a resource's tags and who may change them. explain.ts and permissions.ts (the IAM
// actions a run needs, from iam-data.ts, AWS's Service Authorization Reference), the ABAC policy linter
// (policy-*.ts over iam-policy.ts), and tag policies: parsing, merging an organization's, reading AWS Organizations'
// effective ones, checking and fixing (tag-policy*.ts).
// Imports: the core and jobs (plans, reports); never the CLI, testing, or the tagger itself (TagReader and
// Planner name the tagger methods it needs).
// This module is governance's public surface, re-exported by the package (src/index.ts).
export { ABAC_EXCEPTIONS, type AbacException } from './abac-exceptions.js';
export type { Explanation } from './explain.js';
export type {
  PermissionRequest,
  PermissionsOptions,
  PolicyDocument,
  PolicyStatement,
} from './permissions.js';
export { type FitOptions, type FittedPolicy, fitPolicy, type Widening } from './permissions-fit.js';
export {
  type ClosedFinding,
  type LintFinding,
  type LintOptions,
  type LintResult,
  type LintRuleId,
  type LintSeverity,
  lintPolicies,
  lintPolicy,
  type PolicyInput,
  type PolicySet,
} from './policy-lint.js';
export {
  parseTagPolicy,
  type TagKeyRule,
  type TagPolicy,
  typeListed,
  valueAllowed,
} from './tag-policy.js';
export {
  type CheckReport,
  type CheckResult,
  checkMany,
  checkResource,
  type Finding,
  type FindingKind,
  type FromOrganizations,
  type OrganizationsReader,
  type TaggedResource,
} from './tag-policy-check.js';
export { type Fix, fitFix, fixResources, type Unfixable } from './tag-policy-fix.js';
export {
  type EffectiveTagPolicy,
  type EffectiveValue,
  effectiveTagPolicy,
  type IgnoredOperator,
  type InheritanceOptions,
  type PolicyOperator,
} from './tag-policy-inheritance.js';
export type { TagPolicyCallOptions } from './tag-policy-organizations.js';
export { type CheckSearchOptions, checkSearch, type SearchReader } from './tag-policy-search.js';
