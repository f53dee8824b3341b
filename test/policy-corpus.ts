// The corpus of policies from AWS's documentation (test/fixtures/policies-aws/): one case's shape, and how a
// lint result is scored against its verdict. Shared by the test and scripts/lint-corpus.ts, which prints counts.
import type { LintResult, PolicySet } from '../src/governance/policy-lint.js';

export interface CorpusCase {
  source: string;
  title: string;
  verbatim: boolean;
  variantOf?: string;
  /** What a principal could do, or null when AWS's semantics leave no hole. */
  hole: string | null;
  /** The error rules that must fire. */
  expect: string[];
  /** Warning rules that may fire (the policy really has what they say). */
  allowWarnings?: string[];
  protect?: string[];
  /** Where the linter's verdict is known to differ from the documented one, and why (reported, not hidden). */
  known?: { missed?: string[]; falseAlarms?: string[]; why: string };
  boundary?: object;
  scps?: object[];
  resourcePolicy?: object;
  set: PolicySet;
}

/** A fixture's JSON as a case, with its policies as a named set. */
export function corpusCase(raw: Record<string, unknown>): CorpusCase {
  const c = raw as unknown as Omit<CorpusCase, 'set'> & { policies: object[] };
  const set: PolicySet = {
    identity: c.policies.map((policy, i) => ({ name: `policies[${i}]`, policy })),
    ...(c.boundary ? { boundary: { name: 'boundary', policy: c.boundary } } : {}),
    ...(c.scps ? { scps: c.scps.map((policy, i) => ({ name: `scps[${i}]`, policy })) } : {}),
    ...(c.resourcePolicy ? { resourcePolicy: { name: 'resourcePolicy', policy: c.resourcePolicy } } : {}),
  };
  return { ...c, set };
}

/** The holes found and missed, the error rules raised where AWS's semantics see none, warnings not allowed. */
export function verdictOf(c: CorpusCase, result: LintResult) {
  const errors = new Set(result.findings.filter((f) => f.severity === 'error').map((f) => f.rule as string));
  const warnings = new Set(
    result.findings.filter((f) => f.severity === 'warning').map((f) => f.rule as string),
  );
  return {
    found: c.expect.filter((r) => errors.has(r)),
    missed: c.expect.filter((r) => !errors.has(r)),
    falseAlarms: [...errors].filter((r) => !c.expect.includes(r)).sort(),
    unexpectedWarnings: [...warnings].filter((r) => !(c.allowWarnings ?? []).includes(r)).sort(),
  };
}
