// Which conditions of a statement are about a tag, and whether they keep a principal from setting or removing it
// (a guard). The facts behind them, with links to AWS's documentation, are in docs/abac-policy-lint.md.
import { globCovers } from './arn-patterns.js';
import type { ActionInfo } from './iam-data.js';
import { holdsWithoutKey, type PolicyCondition, type PolicyStatement } from './iam-policy.js';
import type { LintContext, StatementView } from './policy-types.js';

/** What a tag condition key is about: a resource's tag, a request's tag, or the tag keys of a request. */
export interface TagConditionKey {
  kind: 'resource' | 'request' | 'keys';
  /** The tag key (`project` in `aws:ResourceTag/project`); none for `aws:TagKeys`. */
  tag: string | undefined;
  /** An S3 object's tag key: `s3:ExistingObjectTag/K`, `s3:RequestObjectTag/K`, `s3:RequestObjectTagKeys`. */
  object: boolean;
}

const TAG = /^[a-z0-9-]+:(ResourceTag|ExistingObjectTag|RequestTag|RequestObjectTag)\/(.+)$/i;
const KEYS = /^[a-z0-9-]+:(TagKeys|RequestObjectTagKeys)$/i;

/** The tag condition key `key` is (`aws:ResourceTag/K`, `ec2:ResourceTag/K`, `s3:RequestObjectTagKeys`, ...). */
export function tagConditionKey(key: string): TagConditionKey | undefined {
  const tag = TAG.exec(key);
  if (tag) {
    const name = (tag[1] as string).toLowerCase();
    return {
      kind: name.startsWith('request') ? 'request' : 'resource',
      tag: tag[2],
      object: /object/.test(name),
    };
  }
  const keys = KEYS.exec(key);
  return keys ? { kind: 'keys', tag: undefined, object: /object/i.test(keys[1] as string) } : undefined;
}

// Condition keys are compared case-insensitively, tag keys in their values case-sensitively.
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const POSITIVE = ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike'];
const PIN = /^\$\{aws:PrincipalTag\/([^}]+)\}$/i;
const PRINCIPAL = /\$\{aws:PrincipalTag\/[^}]+\}/i;

/** An S3 object action: S3 evaluates object tags through its own keys (`s3:ExistingObjectTag/K`). */
export const isS3Object = (a: ActionInfo) =>
  a.service === 's3' && a.resourceTypes.some((t) => t.name === 'object' || t.name === 'accesspointobject');
/** An action that removes tags (`sns:UntagResource`, `ec2:DeleteTags`, `tag:UntagResources`). */
export const isRemoval = (a: ActionInfo) => /^(Untag|Delete\w*Tag|Remove\w*Tag)/.test(a.name);
// S3's Put...Tagging replaces the whole tag set: a request without K removes K.
const replacesAll = (a: ActionInfo) => /^Put\w*Tagging$/.test(a.name);

/** A positive string test: `StringEquals`, `StringEqualsIgnoreCase`, `StringLike`, with any prefix or suffix. */
export const isPositive = (c: PolicyCondition) => POSITIVE.includes(c.test);
/** Values that compare to a principal tag (`${aws:PrincipalTag/K}`), rather than literal values. */
export const comparesToPrincipal = (c: PolicyCondition) => c.values.some((v) => PRINCIPAL.test(v));

/** The condition requires the key, with one of its values: positive, without `...IfExists` or `ForAllValues:`. */
const requiresValue = (c: PolicyCondition) =>
  isPositive(c) && !c.ifExists && c.set !== 'ForAllValues' && c.values.length > 0;

/** The condition only asks for the key to be present, with any value: `StringLike "*"`, `Null "false"`. */
export const presenceOnly = (c: PolicyCondition) =>
  (c.test === 'Null' && c.values.every((v) => v.toLowerCase() === 'false')) ||
  (c.test === 'StringLike' && c.values.length > 0 && c.values.every((v) => /^\*+$/.test(v)));

/**
 * The conditions of `kind` on tag `key` (any key for `keys`) that apply to `action`: for an S3 object action its
 * object keys, for any other the `aws:` and service keys; each only where the action carries it.
 */
export async function tagConditions(
  view: StatementView,
  action: ActionInfo,
  kind: TagConditionKey['kind'],
  key?: string,
): Promise<PolicyCondition[]> {
  const found: PolicyCondition[] = [];
  for (const c of view.statement.conditions) {
    const tag = tagConditionKey(c.key);
    if (!tag || tag.kind !== kind || tag.object !== isS3Object(action)) continue;
    if (key !== undefined && tag.tag !== undefined && !same(tag.tag, key)) continue;
    if (await view.supports(action, c.key)) found.push(c);
  }
  return found;
}

/** The conditions that make `action` tag-based on `key`: positive tests of the resource's tag. */
export async function abacConditions(view: StatementView, action: ActionInfo, key: string) {
  return (await tagConditions(view, action, 'resource', key)).filter(isPositive);
}

/**
 * True when the values a request may give `key` under `c` keep the resource where it is: every value is
 * `${aws:PrincipalTag/key}`, or (for a policy that grants by literal values) every value is one of those
 * literal values. A list that mixes both lets the principal retag to the literal.
 */
export function pinsValues(c: PolicyCondition, key: string, abac: PolicyCondition[]): boolean {
  if (c.values.length === 0) return false;
  if (c.values.every((v) => same(PIN.exec(v)?.[1] ?? '', key))) return true;
  const granted = abac.flatMap((a) => a.values);
  if (granted.length === 0 || granted.some((v) => PRINCIPAL.test(v))) return false;
  return c.values.every((v) => granted.includes(v) && !(c.test === 'StringLike' && /[*?]/.test(v)));
}

/** True when the principal cannot set or remove the tag `key` through `action` under this statement. */
export async function guarded(
  view: StatementView,
  context: LintContext,
  action: ActionInfo,
  key: string,
  abac: PolicyCondition[] = [],
): Promise<boolean> {
  const replaces = replacesAll(action);
  if (!replaces) {
    for (const c of await tagConditions(view, action, 'keys')) if (tagKeysExclude(c, key)) return true;
    const keysDeny = async (c: PolicyCondition | undefined, d: StatementView) =>
      c !== undefined && (await tagKeysDeny(c, key, action, d));
    if (await deniedElsewhere(view, context, action, `keys ${key}`, keysDeny)) return true;
  }
  const values = JSON.stringify(abac.map((c) => c.values));
  const keeps = (d: PolicyCondition) => pinsValues(d, key, abac);
  const valuesDeny = async (c: PolicyCondition | undefined, deny: StatementView) =>
    c === undefined
      ? !replaces && (await namedValueDeny(deny, key, action, keeps))
      : requestTagDeny(c, key, keeps);
  if (await deniedElsewhere(view, context, action, `pin ${key} ${values}`, valuesDeny)) return true;
  // A removal carries no request tags: only the tag keys it names, or a Deny, guard it.
  if (isRemoval(action)) return false;
  // An action that only adds tags leaves a key the request does not name as it is: there a pin that also holds
  // without the key (`...IfExists`, `ForAllValues:`) still keeps the principal from giving it another value.
  const pins = await tagConditions(view, action, 'request', key);
  const pinned = (c: PolicyCondition) =>
    (replaces ? requiresValue(c) : isPositive(c) && !presenceOnly(c)) && pinsValues(c, key, abac);
  return pins.some((c) => pinned(c) || (!replaces && c.test === 'Null' && holdsWithoutKey(c)));
}

/** True when the statement gives `key` a value on create: a positive test that is more than "present". */
export async function requiresOnCreate(
  view: StatementView,
  context: LintContext,
  action: ActionInfo,
  key: string,
): Promise<boolean> {
  const given = (c: PolicyCondition) => c.values.length > 0 && !presenceOnly(c);
  const pins = await tagConditions(view, action, 'request', key);
  if (pins.some((c) => requiresValue(c) && given(c))) return true;
  // AWS puts aws:ResourceTag in the context of a request that creates a resource with tags: the tags it is
  // created with. A test that needs a value there needs the create to carry the tag.
  const created = await tagConditions(view, action, 'resource', key);
  if (created.some((c) => requiresValue(c) && given(c))) return true;
  return deniedElsewhere(
    view,
    context,
    action,
    `create ${key}`,
    async (c) => c !== undefined && requestTagDeny(c, key, given),
  );
}

// Does `value` (a tag key) match one of the condition's values? Tag keys compare case-sensitively, unless the
// operator ends with IgnoreCase; StringLike's wildcards are case-sensitive too.
function valueHit(c: PolicyCondition, value: string): boolean {
  if (/Like$/.test(c.test)) return c.values.some((v) => likeMatches(v, value));
  if (/IgnoreCase$/.test(c.test)) return c.values.some((v) => same(v, value));
  return c.values.includes(value);
}

function likeMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

// `ForAllValues:StringNotEquals aws:TagKeys K`, or an allow-list of keys without K: the request cannot name K.
function tagKeysExclude(c: PolicyCondition, key: string): boolean {
  if (c.set !== 'ForAllValues' || !/^String/.test(c.test)) return false;
  const hit = valueHit(c, key);
  return /Not/.test(c.test) ? hit : isPositive(c) && !hit;
}

// A Deny with this one condition denies every request of that action that names K.
async function tagKeysDeny(c: PolicyCondition, key: string, action: ActionInfo, deny: StatementView) {
  const tag = tagConditionKey(c.key);
  if (c.set !== 'ForAnyValue' || tag?.kind !== 'keys' || !/^String/.test(c.test)) return false;
  if (!(await deny.supports(action, c.key))) return false;
  const hit = valueHit(c, key);
  return /Not/.test(c.test) ? !hit : isPositive(c) && hit;
}

// A Deny with this one condition denies every request of that action that does not give K a value `allowed`
// accepts (a request without K too: a negated test holds for an absent key).
function requestTagDeny(c: PolicyCondition, key: string, allowed: (c: PolicyCondition) => boolean): boolean {
  const tag = tagConditionKey(c.key);
  if (tag?.kind !== 'request' || !same(tag.tag ?? '', key) || c.set) return false;
  if (c.test === 'Null') return holdsWithoutKey(c);
  return /^String\w*Not/.test(c.test) && allowed(c);
}

// The Denies whose condition guards, by action and guard: the same for every statement of a policy.
const guarding = new WeakMap<LintContext, Map<string, Promise<StatementView[]>>>();

/**
 * True when a Deny of the policy denies `action` wherever `view` allows it, through its one condition. `kind`
 * names what `guard` checks (the guard is the same for all statements with the same kind).
 */
async function deniedElsewhere(
  view: StatementView,
  context: LintContext,
  action: ActionInfo,
  kind: string,
  guard: (c: PolicyCondition | undefined, deny: StatementView) => Promise<boolean>,
): Promise<boolean> {
  let memo = guarding.get(context);
  if (!memo) {
    memo = new Map();
    guarding.set(context, memo);
  }
  const key = `${action.service}:${action.name} ${kind}`;
  let denies = memo.get(key);
  if (!denies) {
    denies = (async () => {
      const found: StatementView[] = [];
      for (const deny of context.deniesOf(action))
        if (await guard(single(deny.statement), deny)) found.push(deny);
      return found;
    })();
    memo.set(key, denies);
  }
  const { resources, notResource } = view.statement;
  return (await denies).some(
    ({ statement: d }) =>
      d.resources.includes('*') ||
      (!notResource && resources.every((r) => d.resources.some((p) => globCovers(p, r)))),
  );
}

/**
 * Plain words on the statement's conditions on `key` that may look like guards but are not, for messages:
 * `"StringLike": {"aws:RequestTag/project": "*"} only requires project to be present, with any value`.
 */
export function notGuards(
  view: StatementView,
  key: string,
  abac: PolicyCondition[],
  removal: boolean,
): string[] {
  return notes(view, key, (c, kind) => {
    if (kind === 'keys') return keysNote(c, key);
    if (kind !== 'request') return undefined;
    const loose = looseNote(c, key);
    if (loose !== undefined || !isPositive(c)) return loose;
    if (!pinsValues(c, key, abac)) {
      const others = c.values.filter((v) => !same(PIN.exec(v)?.[1] ?? '', key));
      return `lets the principal set ${key} to ${others.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    return removal ? `does not apply to removing ${key}: a removal carries no request tags` : undefined;
  });
}

/** Plain words on the statement's request tag conditions on `key` that hold without giving it a value. */
export function looseRequests(view: StatementView, key: string): string[] {
  return notes(view, key, (c, kind) => (kind === 'request' ? looseNote(c, key) : undefined));
}

function notes(
  view: StatementView,
  key: string,
  note: (c: PolicyCondition, kind: TagConditionKey['kind']) => string | undefined,
): string[] {
  const found = new Set<string>();
  for (const c of view.statement.conditions) {
    const tag = tagConditionKey(c.key);
    if (!tag || (tag.tag !== undefined && !same(tag.tag, key))) continue;
    const words = note(c, tag.kind);
    const values = JSON.stringify(c.values.length === 1 ? c.values[0] : c.values);
    if (words !== undefined) found.add(`"${c.operator}": {"${c.key}": ${values}} ${words}`);
  }
  return [...found];
}

function looseNote(c: PolicyCondition, key: string): string | undefined {
  if (presenceOnly(c)) return `only requires ${key} to be present, with any value`;
  if (!isPositive(c)) return undefined;
  if (c.ifExists) return `also holds for a request without ${key} (that is what IfExists means)`;
  if (c.set === 'ForAllValues')
    return `also holds for a request without ${key} (ForAllValues holds for an empty set)`;
  return undefined;
}

function keysNote(c: PolicyCondition, key: string): string | undefined {
  if (c.set === 'ForAnyValue' && isPositive(c))
    return `requires only one of the listed keys: ${key} and any other key ride along with any value`;
  if (c.set === 'ForAllValues' && isPositive(c) && valueHit(c, key))
    return /RequestObjectTagKeys$/i.test(c.key)
      ? `lets ${key} be given any value, and holds for a request with no tags at all (ForAllValues holds for ` +
          'an empty set): a PutObjectTagging without tags strips every tag of the object'
      : `lets ${key} be given any value`;
  if (c.set !== 'ForAllValues' || !/Not/.test(c.test) || /IgnoreCase$/.test(c.test)) return undefined;
  const near = c.values.find((v) => v !== key && same(v, key));
  return near === undefined
    ? undefined
    : `does not exclude ${key}: tag keys are compared case-sensitively, and ${JSON.stringify(near)} is another key`;
}

/**
 * A Deny's conditions that decide whether it applies to a request, without those about who the principal is
 * (`aws:PrincipalArn`, `aws:PrincipalTag/...`, ...): a Deny that spares administrators by their ARN still denies
 * the principal whose policy is read, which is taken not to be one of them.
 */
export function denyConditions(statement: PolicyStatement): PolicyCondition[] {
  return statement.conditions.filter((c) => !/^aws:Principal/i.test(c.key));
}

// A Deny's one condition, or undefined when it has two (only namedValueDeny reads those).
const single = (statement: PolicyStatement) => {
  const conditions = denyConditions(statement);
  return conditions.length === 1 ? conditions[0] : undefined;
};

/**
 * A Deny with two conditions, the request names K (`"ForAnyValue:StringEquals": {"aws:TagKeys": "K"}`) and does
 * not give K a pinned value (`"StringNotEquals": {"aws:RequestTag/K": ...}`): it denies every request that sets K
 * to another value or removes it, which for an action that only adds or removes the tags it names is a guard
 * (AWS's example SCP that keeps tags from being changed except by administrators has this shape).
 */
async function namedValueDeny(
  deny: StatementView,
  key: string,
  action: ActionInfo,
  pinned: (c: PolicyCondition) => boolean,
): Promise<boolean> {
  const conditions = denyConditions(deny.statement);
  if (conditions.length !== 2) return false;
  const [first, second] = conditions as [PolicyCondition, PolicyCondition];
  const pair = async (keys: PolicyCondition, values: PolicyCondition) =>
    (await tagKeysDeny(keys, key, action, deny)) && requestTagDeny(values, key, pinned);
  return (await pair(first, second)) || (await pair(second, first));
}

/** The Deny statements that can guard a key: one or two conditions, a Resource; by the actions they match. */
export function denyIndex(
  views: StatementView[],
  id: (a: ActionInfo) => string,
): Map<string, StatementView[]> {
  const index = new Map<string, StatementView[]>();
  for (const view of views) {
    const d = view.statement;
    const conditions = denyConditions(d).length;
    if (d.effect !== 'Deny' || d.notResource || conditions < 1 || conditions > 2) continue;
    for (const action of view.actions) {
      const list = index.get(id(action));
      if (list) list.push(view);
      else index.set(id(action), [view]);
    }
  }
  return index;
}
