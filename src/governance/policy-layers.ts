// Several policies at once: the identity policies and a resource-based policy grant, a permissions boundary and
// SCPs only limit (what they do not allow is not allowed), and a Deny anywhere denies. The linter's rules run on
// the granting statements with every Deny as a guard; this file reads the layers and closes the findings a
// limiting layer does not let through. The facts, with links to AWS's documentation, are in
// docs/abac-policy-lint.md.
import { InvalidPolicyError } from '../core/errors.js';
import { globsMeet } from './arn-patterns.js';
import { type ActionInfo, actionInfo } from './iam-data.js';
import { type IamPolicy, type PolicyKind, readPolicy } from './iam-policy.js';
import { guarded, requiresOnCreate } from './policy-guards.js';
import type { LintContext, LintFinding, PolicyInput, PolicySet, StatementView } from './policy-types.js';
import { actionId, viewOf } from './policy-view.js';

/** A policy read, with the name findings give it. */
export interface NamedPolicy {
  name: string;
  policy: IamPolicy;
}

/** The policies of a set, read: those that grant and those that only limit. */
export interface Layers {
  granting: NamedPolicy[];
  boundary: NamedPolicy | undefined;
  scps: NamedPolicy[];
}

const isNamed = (input: PolicyInput): input is { name: string; policy: string | object } =>
  typeof input === 'object' &&
  input !== null &&
  'name' in input &&
  'policy' in input &&
  !('Statement' in input);

async function read(input: PolicyInput, fallback: string, kind: PolicyKind): Promise<NamedPolicy> {
  const name = isNamed(input) ? input.name : fallback;
  const document = isNamed(input) ? input.policy : input;
  try {
    const policy = await readPolicy(document, kind);
    return {
      name,
      policy: { ...policy, statements: policy.statements.map((s) => ({ ...s, policy: name })) },
    };
  } catch (error) {
    if (error instanceof InvalidPolicyError) throw new InvalidPolicyError(`${name}: ${error.message}`);
    throw error;
  }
}

/** Reads every policy of the set; an unreadable one is an InvalidPolicyError that names it. */
export async function readLayers(set: PolicySet): Promise<Layers> {
  const some = Array.isArray(set?.identity) && (set.identity.length > 0 || set.resourcePolicy !== undefined);
  if (typeof set !== 'object' || set === null || !some) {
    throw new InvalidPolicyError(
      'lintPolicies takes { identity: [policy, ...] } with at least one identity policy (or a resourcePolicy), ' +
        'and optionally boundary, scps and resourcePolicy',
    );
  }
  if (set.scps !== undefined && !Array.isArray(set.scps))
    throw new InvalidPolicyError('scps must be an array of policies');
  const granting = await Promise.all(set.identity.map((p, i) => read(p, `identity[${i}]`, 'identity')));
  if (set.resourcePolicy !== undefined)
    granting.push(await read(set.resourcePolicy, 'resource policy', 'resource'));
  const boundary = set.boundary === undefined ? undefined : await read(set.boundary, 'boundary', 'identity');
  const scps = await Promise.all((set.scps ?? []).map((p, i) => read(p, `scp[${i}]`, 'identity')));
  return { granting, boundary, scps };
}

/** A limiting layer, seen as the rules see a policy: its Allow views and what guards in it. */
interface Limit {
  closedBy: string;
  /**
   * An SCP with no Allow: a deny list, which Organizations evaluates beside the FullAWSAccess SCP it attaches by
   * default; it limits through its Denies only.
   */
  denyList: boolean;
  allows: StatementView[];
  context: LintContext;
}

/** The limiting layers (a boundary, each SCP) ready to ask, with the granting policies' keys and Denies. */
export async function limitsOf(layers: Layers, granting: LintContext): Promise<Limit[]> {
  const named = [
    ...(layers.boundary ? [{ closedBy: 'boundary', layer: layers.boundary, scp: false }] : []),
    ...layers.scps.map((layer) => ({ closedBy: `scp ${layer.name}`, layer, scp: true })),
  ];
  return Promise.all(
    named.map(async ({ closedBy, layer, scp }) => {
      const views = await Promise.all(layer.policy.statements.map(viewOf));
      return {
        closedBy,
        denyList: scp && views.every((v) => v.statement.effect === 'Deny'),
        allows: views.filter((v) => v.statement.effect === 'Allow'),
        context: { ...granting, views },
      };
    }),
  );
}

/** Rules whose keys are tag keys the layer may guard; other rules' keys are condition keys. */
const TAG_RULES = new Set(['retag-away', 'retag-any', 'retag-unconditioned', 'self-retag']);

// The actions of a finding that AWS's reference knows (`ec2:CreateImage (instance)` is ec2:CreateImage).
async function actionsOf(finding: LintFinding): Promise<ActionInfo[]> {
  const found: ActionInfo[] = [];
  for (const named of finding.actions ?? []) {
    const id = /^([\w-]+:[\w-]+)/.exec(named)?.[1];
    const info = id === undefined ? undefined : await actionInfo(id);
    if (info) found.push(info);
  }
  return found;
}

// Whether a limiting statement lets `action` through where `view` allows it, for the finding's keys.
async function letsThrough(
  limit: StatementView,
  context: LintContext,
  view: StatementView,
  action: ActionInfo,
  finding: LintFinding,
): Promise<boolean> {
  if (!limit.actions.some((a) => actionId(a) === actionId(action)) || !(await limit.applies(action)))
    return false;
  if (!(await meets(limit, view, action))) return false;
  for (const key of finding.keys ?? []) {
    if (TAG_RULES.has(finding.rule) && (await guarded(limit, context, action, key))) return false;
    if (
      finding.rule === 'create-without-request-tag' &&
      (await requiresOnCreate(limit, context, action, key))
    )
      return false;
  }
  return true;
}

// Whether two statements' resources can name the same resource of the action.
async function meets(a: StatementView, b: StatementView, action: ActionInfo): Promise<boolean> {
  if (action.resourceTypes.length === 0) return true;
  const plain = (v: StatementView) => !v.statement.notResource;
  const together = (p: string, q: string) => p === '*' || q === '*' || globsMeet(p, q);
  for (const type of action.resourceTypes) {
    if (!(await a.covers(action, type.name)) || !(await b.covers(action, type.name))) continue;
    if (!plain(a) || !plain(b)) return true;
    if (a.statement.resources.some((p) => b.statement.resources.some((q) => together(p, q)))) return true;
  }
  return false;
}

/**
 * What closes a finding: the first limiting layer that lets none of its actions through, or a Deny without
 * condition over all of them; undefined when it stays open (or names no action the reference knows).
 */
export async function closedBy(
  finding: LintFinding,
  view: StatementView,
  limits: Limit[],
  denies: StatementView[],
): Promise<string | undefined> {
  const actions = await actionsOf(finding);
  if (actions.length === 0 || view.statement.effect !== 'Allow') return undefined;
  for (const limit of limits) {
    if (limit.denyList) continue;
    let open = false;
    for (const action of actions) {
      for (const allow of limit.allows) {
        if (await letsThrough(allow, limit.context, view, action, finding)) {
          open = true;
          break;
        }
      }
      if (open) break;
    }
    if (!open) return limit.closedBy;
  }
  for (const deny of denies) {
    const all = deny.statement.resources.includes('*') && !deny.statement.notResource;
    if (all && actions.every((a) => deny.actions.some((d) => actionId(d) === actionId(a))))
      return `deny ${deny.statement.policy ? `${deny.statement.policy} ` : ''}Statement[${deny.statement.index}]`;
  }
  return undefined;
}
