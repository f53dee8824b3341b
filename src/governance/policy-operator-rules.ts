// Rules about how a condition operator is used, whatever the actions: a principal-tag variable with a wildcard.
import type { LintRule, RuleHit } from './policy-types.js';

/** `${aws:PrincipalTag/K}` in a value, with what is around it. */
const PRINCIPAL_TAG = /\$\{aws:PrincipalTag\/([^}]+)\}/i;

/**
 * A `...Like` test whose value puts a wildcard beside `${aws:PrincipalTag/K}`: `"${aws:PrincipalTag/project}*"`
 * matches `project=a` against `a`, `ab` and `a-test` alike, so a principal reaches what belongs to other values of
 * its own tag. (AWS's [policy variables](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)
 * are substituted before the wildcard is matched.)
 */
const principalTagWildcard: LintRule = {
  id: 'principal-tag-wildcard',
  severity: 'error',
  async check(view) {
    if (view.statement.effect !== 'Allow') return [];
    const hits: RuleHit[] = [];
    for (const c of view.statement.conditions) {
      if (!/Like$/.test(c.test)) continue;
      for (const value of c.values) {
        const variable = PRINCIPAL_TAG.exec(value);
        if (!variable || !/[*?]/.test(value.replace(PRINCIPAL_TAG, ''))) continue;
        const key = variable[1] as string;
        hits.push({
          message:
            `"${c.operator}": {"${c.key}": "${value}"} matches more than the principal's own ${key}: a principal ` +
            `whose ${key} is "a" passes with "ab" or "a-test" too, and so reaches what other ${key} values own. ` +
            `Compare with "StringEquals" to "\${aws:PrincipalTag/${key}}" alone.`,
          keys: [c.key],
        });
      }
    }
    return hits;
  },
};

/** A key that tests the resource's own tag: `aws:ResourceTag/K`, a service's (`iam:ResourceTag/K`), S3's object tag. */
const RESOURCE_TAG = /^(?:[a-z0-9-]+:ResourceTag|s3:ExistingObjectTag)\/(.+)$/i;
/** Actions that make a resource: it carries no tags yet when they are authorized, so IfExists is meant there. */
const CREATE = /^(?:Create|Run|Allocate|Import|Register|Request)/;
const POSITIVE = new Set(['StringEquals', 'StringEqualsIgnoreCase', 'StringLike']);

/**
 * A positive test of the resource's tag with `...IfExists` in an Allow statement whose actions act on existing
 * resources: the test also holds for a resource that does not carry the key, so the statement allows those actions
 * on every untagged resource. ([IfExists](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists))
 */
const resourceTagIfExists: LintRule = {
  id: 'resource-tag-if-exists',
  severity: 'error',
  async check(view) {
    if (view.statement.effect !== 'Allow') return [];
    const tests = view.statement.conditions.filter(
      (c) => c.ifExists && c.set === undefined && POSITIVE.has(c.test) && RESOURCE_TAG.test(c.key),
    );
    if (tests.length === 0) return [];
    const open: string[] = [];
    for (const a of view.actions) {
      if (!CREATE.test(a.name) && (await view.applies(a))) open.push(`${a.service}:${a.name}`);
    }
    if (open.length === 0) return [];
    const named =
      open.length <= 4 ? open.join(', ') : `${open.slice(0, 4).join(', ')} and ${open.length - 4} more`;
    return tests.map((c) => {
      const key = RESOURCE_TAG.exec(c.key)?.[1] as string;
      return {
        message:
          `"${c.operator}" on ${c.key} also holds for a resource without ${key}: ${named} ${open.length === 1 ? 'is' : 'are'} ` +
          `allowed on every resource that does not carry ${key}, whoever the principal. Use "${c.test}" (without ` +
          `IfExists) for actions on existing resources; keep IfExists only for those that create one.`,
        actions: open,
        keys: [c.key],
      };
    });
  },
};

/** The rules of this file, in the order the linter runs them. */
export const OPERATOR_RULES: readonly LintRule[] = [principalTagWildcard, resourceTagIfExists];
