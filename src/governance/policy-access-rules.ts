// Rules about access that a tag condition was meant to limit and that another way leaves open: tagging with no
// condition on the tag at all (so any resource can be tagged into access), and an Allow without a tag condition
// (NotAction, NotResource, a wider Resource) that grants what another statement grants only by tag. The facts
// behind them, with links to AWS's documentation, are in docs/abac-policy-lint.md.
import { arnPatternCovers, globCovers } from './arn-patterns.js';
import { type ActionInfo, resourceTypeInfo } from './iam-data.js';
import {
  abacConditions,
  guarded,
  isPositive,
  isS3Object,
  tagConditionKey,
  tagConditions,
} from './policy-guards.js';
import { allow, allowed, id, isTagging, list, pin, SELF, where } from './policy-rules.js';
import type { LintContext, LintRule, RuleHit, StatementView } from './policy-types.js';
import { actionId } from './policy-view.js';

// The Resource Groups Tagging API's actions also need the service's own tagging permission for each resource,
// so they open nothing alone; IAM's user and role tagging is self-retag's.
const opensAlone = (a: ActionInfo) =>
  isTagging(a) && a.service !== 'tag' && !SELF.includes(id(a).toLowerCase());

/** What NotAction or NotResource adds to a message: the statement allows everything it does not name. */
function everythingElse(view: StatementView): string {
  const { notAction, notResource } = view.statement;
  if (notAction) return ' (NotAction with Allow allows every action it does not name, tagging included)';
  if (notResource) return ' (NotResource with Allow allows every resource it does not name)';
  return '';
}

const grantsOf = new WeakMap<LintContext, Promise<Map<string, Set<string>>>>();

// For each tag key (lower case) the policy grants other actions by, the resource types (`sns:topic`) it grants on.
function grantedTypes(context: LintContext): Promise<Map<string, Set<string>>> {
  let found = grantsOf.get(context);
  if (!found) {
    found = (async () => {
      const types = new Map<string, Set<string>>();
      for (const view of context.views) {
        if (!allow(view)) continue;
        for (const c of view.statement.conditions) {
          const tag = tagConditionKey(c.key);
          if (tag?.kind !== 'resource' || tag.tag === undefined || !isPositive(c) || c.ifExists) continue;
          const set = types.get(tag.tag.toLowerCase()) ?? new Set<string>();
          types.set(tag.tag.toLowerCase(), set);
          for (const a of view.actions) {
            if (isTagging(a) || !(await view.supports(a, c.key))) continue;
            for (const type of a.resourceTypes)
              if (await view.covers(a, type.name)) set.add(`${a.service}:${type.name}`);
          }
        }
      }
      return types;
    })();
    grantsOf.set(context, found);
  }
  return found;
}

// Whether the tagging action reaches, under the statement, a resource type the key grants on.
async function tagsWhereGranted(view: StatementView, a: ActionInfo, reach: Set<string>): Promise<boolean> {
  for (const type of a.resourceTypes)
    if (reach.has(`${a.service}:${type.name}`) && (await view.covers(a, type.name))) return true;
  return false;
}

/**
 * A tagging action allowed with no condition on the resource's `key` and none on the request's: nothing keeps
 * the principal from giving any resource the statement's Resource matches the `key` that grants access.
 */
const retagUnconditioned: LintRule = {
  id: 'retag-unconditioned',
  severity: 'error',
  async check(view, context) {
    // EC2's CreateTags limited to creating actions by ec2:CreateAction tags only what is being created (a
    // wildcard there is createtags-createaction-wildcard's).
    if (!allow(view) || view.conditionsOn('ec2:CreateAction').some(isPositive)) return [];
    // Resources named one by one (no wildcard) are taken as meant: the author chose to let them be retagged.
    const { resources, notResource } = view.statement;
    if (!notResource && resources.every((r) => !/[*?]/.test(r))) return [];
    const tagging = await allowed(view, opensAlone);
    const hits: RuleHit[] = [];
    for (const key of context.protectedKeys) {
      const open: ActionInfo[] = [];
      const reach = (await grantedTypes(context)).get(key.toLowerCase());
      for (const a of tagging) {
        if (reach && !(await tagsWhereGranted(view, a, reach))) continue;
        if ((await abacConditions(view, a, key)).length > 0) continue;
        if ((await tagConditions(view, a, 'request', key)).some(isPositive)) continue;
        if (!(await guarded(view, context, a, key))) open.push(a);
      }
      if (open.length === 0) continue;
      const object = open.every(isS3Object);
      const resource = object ? `s3:ExistingObjectTag/${key}` : `aws:ResourceTag/${key}`;
      const request = object ? `s3:RequestObjectTag/${key}` : `aws:RequestTag/${key}`;
      hits.push({
        message:
          `${list(open.map(id))} allowed on ${where(view)}${everythingElse(view)} with no condition on ${key}: ` +
          `the principal can set ${key} on any of those resources to a value that grants access (its own, or ` +
          `one a statement grants by), or take ${key} away. Add "${resource}": ${pin(key)} and "${request}": ` +
          `${pin(key)}` +
          (object ? '' : `, or "ForAllValues:StringNotEquals": {"aws:TagKeys": "${key}"}`),
        actions: open.map(id),
        keys: [key],
      });
    }
    return hits;
  },
};

const label = ({ statement: s }: StatementView) => `${s.policy ? `${s.policy} ` : ''}Statement[${s.index}]`;

/** A statement that grants an action only by a resource's tag: the action, the statement and its tag keys. */
interface Gate {
  view: StatementView;
  keys: string[];
}

const gatesOf = new WeakMap<LintContext, Promise<Map<string, Gate[]>>>();

// The Allow statements that grant each action only on resources carrying a tag (a positive test of the resource's
// tag, without IfExists, on a key the action carries).
function gates(context: LintContext): Promise<Map<string, Gate[]>> {
  let found = gatesOf.get(context);
  if (!found) {
    found = (async () => {
      const index = new Map<string, Gate[]>();
      for (const view of context.views) {
        if (!allow(view)) continue;
        const tests = view.statement.conditions.filter(
          (c) => tagConditionKey(c.key)?.kind === 'resource' && isPositive(c) && !c.ifExists && !c.set,
        );
        if (tests.length === 0) continue;
        for (const a of view.actions) {
          const keys: string[] = [];
          for (const c of tests) if (await view.supports(a, c.key)) keys.push(c.key);
          if (keys.length === 0) continue;
          const list = index.get(actionId(a)) ?? [];
          list.push({ view, keys });
          index.set(actionId(a), list);
        }
      }
      return index;
    })();
    gatesOf.set(context, found);
  }
  return found;
}

// True when `wide` allows the action on every resource of some type that `gate` allows it on only by tag: a
// NotResource that leaves part of the type, a pattern that covers the type's ARN format, or patterns that cover
// each of the gate's.
async function coversAll(wide: StatementView, gate: StatementView, a: ActionInfo): Promise<boolean> {
  const { resources, notResource } = wide.statement;
  if (a.resourceTypes.length === 0) return true;
  for (const type of a.resourceTypes) {
    if (!(await gate.covers(a, type.name)) || !(await wide.covers(a, type.name))) continue;
    if (notResource) return true;
    const formats = (await resourceTypeInfo(a.service, type.name))?.arn.split(/,\s*/) ?? [];
    if (resources.some((p) => formats.some((f) => arnPatternCovers(p, f)))) return true;
    const named = gate.statement.resources;
    if (!gate.statement.notResource && named.every((r) => resources.some((p) => globCovers(p, r))))
      return true;
  }
  return false;
}

/**
 * An Allow with no condition on the resource's tag that grants, on at least the same resources, an action another
 * Allow grants only by tag: IAM allows a request when any statement allows it, so the tag condition limits nothing.
 */
const abacBypassed: LintRule = {
  id: 'abac-bypassed',
  severity: 'error',
  async check(view, context) {
    if (!allow(view)) return [];
    if (view.statement.conditions.some((c) => tagConditionKey(c.key)?.kind === 'resource')) return [];
    const index = await gates(context);
    const open: string[] = [];
    const by = new Map<StatementView, string[]>();
    for (const a of view.actions) {
      if (isTagging(a)) continue;
      const gating = (index.get(actionId(a)) ?? []).filter((g) => g.view !== view);
      if (gating.length === 0 || !(await view.applies(a))) continue;
      for (const gate of gating) {
        if (!(await coversAll(view, gate.view, a))) continue;
        open.push(id(a));
        by.set(gate.view, gate.keys);
        break;
      }
    }
    if (open.length === 0) return [];
    const keys = [...new Set([...by.values()].flat())];
    const statements = [...by.keys()].map(label).join(', ');
    return [
      {
        message:
          `${list(open)} allowed on ${where(view)}${everythingElse(view)} without a tag condition, where ` +
          `${statements} allow${by.size === 1 ? 's' : ''} ${open.length === 1 ? 'it' : 'them'} only by ` +
          `${keys.join(', ')}: IAM allows a request when any statement allows it, so the tag condition limits ` +
          'nothing. Remove these actions from this statement, or narrow its Resource to what may be reached ' +
          'without the tag',
        actions: open,
        keys,
      },
    ];
  },
};

/** The rules of this file, in the order the linter runs them. */
export const ACCESS_RULES: readonly LintRule[] = [retagUnconditioned, abacBypassed];
