// `lint-policy --output sarif`: the findings as a SARIF 2.1.0 log, which GitHub code scanning (and other tools)
// show on the policy's lines. Each rule is described once in the tool's driver, with its stable id.
import { lintRules } from '../governance/policy-lint.js';
import type { LintResult, LintRuleId } from '../governance/policy-types.js';
import { VERSION } from '../version.js';

/** Each rule's one-line description (its severity is the rule's own: see `lintRules`). */
export const RULE_DOCS: Readonly<Record<LintRuleId, { summary: string }>> = {
  'retag-away': {
    summary:
      'A tagging action allowed on resources by a tag the principal can then change or remove: it can give them away.',
  },
  'retag-any': {
    summary:
      'A tagging action limited by a request tag condition that lets any value of a protected key through.',
  },
  'create-without-request-tag': {
    summary: 'A create that takes tags, allowed without a request tag condition on a protected key.',
  },
  'self-retag': {
    summary: 'The principal may tag itself (TagUser, TagRole on its own ARN) and so change its own access.',
  },
  's3-object-generic-tag-keys': {
    summary:
      'An S3 object action conditioned on aws:ResourceTag, which S3 objects do not carry (use s3:ExistingObjectTag).',
  },
  's3-bucket-tag-condition': {
    summary: 'An S3 bucket action conditioned on aws:ResourceTag while ABAC for the bucket may be off.',
  },
  'passrole-by-tag': {
    summary: 'iam:PassRole limited by the role\u2019s tags, which PassRole does not take into account.',
  },
  'createtags-createaction-wildcard': {
    summary:
      'ec2:CreateTags allowed through an ec2:CreateAction condition that also matches CreateTags itself.',
  },
  'retag-unconditioned': {
    summary:
      'A tagging action allowed with no condition on a protected key: any resource can be tagged into access.',
  },
  'abac-bypassed': {
    summary:
      'An Allow without a tag condition grants what another statement grants only by tag, so the tag limits nothing.',
  },
  'principal-tag-wildcard': {
    summary:
      'A ...Like test with a wildcard beside ${aws:PrincipalTag/K}: it matches values of other principals.',
  },
  'resource-tag-if-exists': {
    summary:
      'An IfExists test of the resource\u2019s tag on actions on existing resources: every untagged resource passes.',
  },
  'unsupported-condition-key': {
    summary:
      'A condition key an action of the statement never carries: the statement does not do what it says.',
  },
};

/** The SARIF log of one policy's findings; `uri` names the policy file as the log's reader will find it. */
export function sarifLog(result: LintResult, uri: string): object {
  const rules = lintRules();
  const ids = rules.map((rule) => rule.id);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'unitag lint-policy',
            version: VERSION,
            rules: rules.map(({ id, severity }) => ({
              id,
              shortDescription: { text: RULE_DOCS[id].summary },
              help: { text: `docs/abac-policy-lint.md in the unitag package, section ${id}.` },
              defaultConfiguration: { level: severity },
            })),
          },
        },
        results: result.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ids.indexOf(f.rule),
          level: f.severity,
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.statement.policy || uri },
                region: { startLine: f.statement.line ?? 1 },
              },
              logicalLocations: [
                {
                  name: f.statement.sid ?? `Statement[${f.statement.index}]`,
                  fullyQualifiedName: `Statement[${f.statement.index}]`,
                  kind: 'object',
                },
              ],
            },
          ],
        })),
      },
    ],
  };
}
