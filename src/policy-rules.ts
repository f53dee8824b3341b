// The rules of `unitag lint-policy`: each looks at one statement (with the whole policy at hand) and says what a
// principal could do. The facts behind them, with links to AWS's documentation, are in docs/abac-policy-lint.md.
import { type ActionInfo, globMatches } from './iam-data.js';
import { holdsWithoutKey, type PolicyCondition } from './iam-policy.js';
import type { LintContext, LintRule, RuleHit, StatementView } from './policy-lint.js';

const PRINCIPAL = /\$\{aws:PrincipalTag\/[^}]+\}/i;
const POSITIVE = ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike'];
const id = (a: ActionInfo) => `${a.service}:${a.name}`;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const isTagging = (a: ActionInfo) => a.accessLevel.includes('Tagging');
const isS3Object = (a: ActionInfo) =>
  a.service === 's3' && a.resourceTypes.some((t) => t.name === 'object' || t.name === 'accesspointobject');
const list = (names: string[]) =>
  names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`;
const allow = (view: StatementView) => view.statement.effect === 'Allow';

/** A positive string test whose every value is a principal tag: `"aws:ResourceTag/k": "${aws:PrincipalTag/k}"`. */
const toPrincipal = (c: PolicyCondition) =>
  POSITIVE.includes(c.test) && c.values.length > 0 && c.values.every((v) => PRINCIPAL.test(v));

/** The allowed actions of the statement that pass `filter`, skipping those a condition rules out. */
async function allowed(view: StatementView, filter: (a: ActionInfo) => boolean): Promise<ActionInfo[]> {
  const found: ActionInfo[] = [];
  for (const action of view.actions) if (filter(action) && (await view.applies(action))) found.push(action);
  return found;
}

// `ForAllValues:StringNotEquals aws:TagKeys K`, or an allow-list of keys without K: the request cannot name K.
function tagKeysExclude(c: PolicyCondition, key: string): boolean {
  if (c.set !== 'ForAllValues') return false;
  const hit = c.values.some((v) => (c.test.endsWith('Like') ? globMatches(v, key) : same(v, key)));
  return /Not/.test(c.test) ? hit : POSITIVE.includes(c.test) && !hit;
}

// A Deny with this one condition denies every request of that action that names K.
function tagKeysDeny(c: PolicyCondition, key: string): boolean {
  if (c.set !== 'ForAnyValue' || !same(c.key, 'aws:TagKeys')) return false;
  const hit = c.values.some((v) => (c.test.endsWith('Like') ? globMatches(v, key) : same(v, key)));
  return /Not/.test(c.test) ? !hit : POSITIVE.includes(c.test) && hit;
}

// A Deny with this one condition denies every request of that action whose K is not the one asked for.
const requestTagDeny = (c: PolicyCondition, key: string) =>
  same(c.key, `aws:RequestTag/${key}`) &&
  ((/^String.*Not/.test(c.test) && !c.set) || (c.test === 'Null' && holdsWithoutKey(c)));

/** True when another statement of the policy denies `action` wherever `view` allows it, under `guard`. */
function deniedElsewhere(
  view: StatementView,
  context: LintContext,
  action: ActionInfo,
  guard: (c: PolicyCondition) => boolean,
): boolean {
  return context.views.some(({ statement: d, actions }) => {
    if (d.effect !== 'Deny' || d.notResource || d.conditions.length !== 1) return false;
    if (
      !guard(d.conditions[0] as PolicyCondition) ||
      !actions.some((a) => a === action || id(a) === id(action))
    )
      return false;
    return (
      d.resources.includes('*') ||
      view.statement.resources.every((r) => d.resources.some((p) => globMatches(p, r)))
    );
  });
}

/** True when the principal cannot set or remove the tag `key` through `action` under this statement. */
async function guarded(
  view: StatementView,
  context: LintContext,
  action: ActionInfo,
  key: string,
): Promise<boolean> {
  const conditions = view.statement.conditions;
  if (conditions.some((c) => same(c.key, 'aws:TagKeys') && tagKeysExclude(c, key))) return true;
  if (deniedElsewhere(view, context, action, (c) => tagKeysDeny(c, key))) return true;
  // Pinning aws:RequestTag guards the actions that write tags; a removal carries no request tags.
  if (!(await view.supports(action, `aws:RequestTag/${key}`))) return false;
  const pinned = view.conditionsOn(`aws:RequestTag/${key}`);
  if (pinned.some((c) => toPrincipal(c) || (c.test === 'Null' && holdsWithoutKey(c)))) return true;
  return deniedElsewhere(view, context, action, (c) => requestTagDeny(c, key));
}

const retagAway: LintRule = {
  id: 'retag-away',
  severity: 'error',
  async check(view, context) {
    if (!allow(view)) return [];
    const hits: RuleHit[] = [];
    for (const key of context.protectedKeys) {
      if (!view.conditionsOn(`aws:ResourceTag/${key}`).some(toPrincipal)) continue;
      const open: string[] = [];
      for (const a of await allowed(view, (a) => isTagging(a) && !isS3Object(a))) {
        if (!(await guarded(view, context, a, key))) open.push(id(a));
      }
      if (open.length === 0) continue;
      hits.push({
        message:
          `${list(open)} allowed on resources whose ${key} tag matches the principal's, with nothing protecting ` +
          `${key}: the principal can change or remove ${key} on its own resources and give them away. Add ` +
          `"aws:RequestTag/${key}": "\${aws:PrincipalTag/${key}}" or "ForAllValues:StringNotEquals": {"aws:TagKeys": "${key}"}`,
        actions: open,
        keys: [key],
      });
    }
    return hits;
  },
};

const retagAny: LintRule = {
  id: 'retag-any',
  severity: 'error',
  async check(view, context) {
    if (!allow(view)) return [];
    const hits: RuleHit[] = [];
    for (const key of context.protectedKeys) {
      const request = view.conditionsOn(`aws:RequestTag/${key}`).some((c) => POSITIVE.includes(c.test));
      const resource = view
        .conditionsOn(`aws:ResourceTag/${key}`)
        .some((c) => !/Not/.test(c.test) && c.test !== 'Null');
      if (!request || resource) continue;
      const open = (await allowed(view, (a) => isTagging(a) && !isS3Object(a))).map(id);
      if (open.length === 0) continue;
      hits.push({
        message:
          `${list(open)} allowed with aws:RequestTag/${key} but no aws:ResourceTag/${key} condition: the principal ` +
          `can retag any existing resource the statement's Resource matches into its own ${key} and take it over. ` +
          `Add "aws:ResourceTag/${key}": "\${aws:PrincipalTag/${key}}"`,
        actions: open,
        keys: [key],
      });
    }
    return hits;
  },
};

// Actions that carry aws:RequestTag without creating anything: sessions (sts), reads, updates and removals.
const NOT_CREATE =
  /^(Delete|Update|List|Get|Describe|Cancel|Terminate|Stop|Disassociate|Deactivate|Disable|Un[A-Z]|Modify|Remove|Detach|Reject|Batch(Get|Delete|Describe))/;

// The action takes tags on create for a resource type the statement covers.
async function tagsOnCreate(view: StatementView, a: ActionInfo): Promise<boolean> {
  const requestTag = (keys: string[]) => keys.some((k) => same(k, 'aws:RequestTag/${TagKey}'));
  if (a.service === 'sts' || isTagging(a) || NOT_CREATE.test(a.name)) return false;
  if (requestTag(a.conditionKeys)) return true;
  for (const type of a.resourceTypes)
    if (requestTag(type.conditionKeys) && (await view.covers(a, type.name))) return true;
  return false;
}

const createWithoutRequestTag: LintRule = {
  id: 'create-without-request-tag',
  severity: 'warning',
  async check(view, context) {
    if (!allow(view)) return [];
    const creates = await allowed(view, () => true);
    const open: ActionInfo[] = [];
    for (const a of creates) if (await tagsOnCreate(view, a)) open.push(a);
    const hits: RuleHit[] = [];
    for (const key of context.protectedKeys) {
      if (view.conditionsOn(`aws:RequestTag/${key}`).some((c) => POSITIVE.includes(c.test))) continue;
      const bare = open
        .filter((a) => !deniedElsewhere(view, context, a, (c) => requestTagDeny(c, key)))
        .map(id);
      if (bare.length === 0) continue;
      hits.push({
        message:
          `${list(bare)} (which tag on create) allowed without an aws:RequestTag/${key} condition: the principal ` +
          `can create resources without ${key}, or with another ${key}, outside of tag-based access. Add ` +
          `"aws:RequestTag/${key}": "\${aws:PrincipalTag/${key}}"`,
        actions: bare,
        keys: [key],
      });
    }
    return hits;
  },
};

const SELF = ['iam:taguser', 'iam:untaguser', 'iam:tagrole', 'iam:untagrole'];

// The statement's Resource may name the principal itself: "*", a wildcard over users or roles, ${aws:username}.
async function mayBeSelf(view: StatementView, a: ActionInfo): Promise<boolean> {
  const { resources, notResource } = view.statement;
  if (notResource) return true;
  const type = a.name.endsWith('User') ? 'user' : 'role';
  for (const r of resources) {
    if (r === '*' || (type === 'user' && /\$\{aws:username\}/i.test(r))) return true;
    if (/[*?]|\$\{/.test(r) && (await view.covers(a, type))) return true;
  }
  return false;
}

const selfRetag: LintRule = {
  id: 'self-retag',
  severity: 'error',
  async check(view, context) {
    if (!allow(view)) return [];
    const targets: ActionInfo[] = [];
    for (const a of await allowed(view, (a) => SELF.includes(id(a).toLowerCase()))) {
      if (await mayBeSelf(view, a)) targets.push(a);
    }
    const hits: RuleHit[] = [];
    for (const key of context.protectedKeys) {
      const open: string[] = [];
      for (const a of targets) if (!(await guarded(view, context, a, key))) open.push(id(a));
      if (open.length === 0) continue;
      hits.push({
        message:
          `${list(open)} allowed on ${view.statement.resources.join(', ')}, which can be the principal itself, with ` +
          `nothing protecting ${key}: the principal can change its own ${key} tag and with it everything ` +
          `${key} grants. Name the users or roles it may tag, or add "ForAllValues:StringNotEquals": {"aws:TagKeys": "${key}"}`,
        actions: open,
        keys: [key],
      });
    }
    return hits;
  },
};

const GENERIC_TAG_KEY = /^aws:(ResourceTag\/|RequestTag\/|TagKeys$)/i;

const s3ObjectGenericTagKeys: LintRule = {
  id: 's3-object-generic-tag-keys',
  severity: 'warning',
  async check(view) {
    if (!allow(view)) return [];
    const keys = [
      ...new Set(view.statement.conditions.map((c) => c.key).filter((k) => GENERIC_TAG_KEY.test(k))),
    ];
    if (keys.length === 0) return [];
    const objects: string[] = [];
    for (const a of view.actions) {
      const type = a.resourceTypes.find((t) => t.name === 'object' || t.name === 'accesspointobject');
      if (a.service === 's3' && type && (await view.covers(a, type.name))) objects.push(id(a));
    }
    if (objects.length === 0) return [];
    return [
      {
        message:
          `${keys.join(', ')} on S3 object actions (${list(objects)}): S3 evaluates object tags through its own ` +
          'keys, s3:ExistingObjectTag/<key>, s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys; on object ' +
          "actions aws:ResourceTag is the bucket's tag, and only on buckets where ABAC is enabled. Use the s3: keys",
        actions: objects,
        keys,
      },
    ];
  },
};

const s3BucketTagCondition: LintRule = {
  id: 's3-bucket-tag-condition',
  severity: 'warning',
  async check(view) {
    if (!allow(view)) return [];
    const keys = [
      ...new Set(view.statement.conditions.map((c) => c.key).filter((k) => /^aws:ResourceTag\//i.test(k))),
    ];
    if (keys.length === 0) return [];
    const buckets: string[] = [];
    for (const a of await allowed(
      view,
      (a) => a.service === 's3' && a.resourceTypes.some((t) => t.name === 'bucket'),
    )) {
      if (await view.covers(a, 'bucket')) buckets.push(id(a));
    }
    if (buckets.length === 0) return [];
    return [
      {
        message:
          `${keys.join(', ')} on S3 bucket actions (${list(buckets)}): S3 evaluates bucket tags only on general ` +
          'purpose buckets where ABAC has been enabled (PutBucketAbac; it is off by default); on every other ' +
          'general purpose bucket the condition never matches and the statement grants nothing. Enable ABAC on ' +
          'the buckets, or name them in Resource',
        actions: buckets,
        keys,
      },
    ];
  },
};

const passroleByTag: LintRule = {
  id: 'passrole-by-tag',
  severity: 'error',
  async check(view) {
    if (!allow(view)) return [];
    const keys = view.statement.conditions
      .map((c) => c.key)
      .filter((k) => /^(aws|iam):ResourceTag\//i.test(k));
    const passRole = await allowed(view, (a) => same(id(a), 'iam:PassRole'));
    if (keys.length === 0 || passRole.length === 0) return [];
    return [
      {
        message:
          `iam:PassRole limited by ${[...new Set(keys)].join(', ')}: AWS does not support limiting who passes a ` +
          "role by the role's tags (it gives no reliable result), so the principal may pass roles this condition " +
          'was meant to keep from it. Limit PassRole by role ARN (name or path) and iam:PassedToService',
        actions: ['iam:PassRole'],
        keys: [...new Set(keys)],
      },
    ];
  },
};

const createTagsCreateActionWildcard: LintRule = {
  id: 'createtags-createaction-wildcard',
  severity: 'error',
  async check(view) {
    if (!allow(view)) return [];
    const createTags = await allowed(view, (a) => same(id(a), 'ec2:CreateTags'));
    if (createTags.length === 0) return [];
    const loose = view
      .conditionsOn('ec2:CreateAction')
      .filter((c) => POSITIVE.includes(c.test))
      .flatMap((c) =>
        c.values.filter((v) =>
          c.test === 'StringLike' ? globMatches(v, 'CreateTags') : same(v, 'CreateTags'),
        ),
      );
    if (loose.length === 0) return [];
    return [
      {
        message:
          `ec2:CreateAction ${loose.map((v) => JSON.stringify(v)).join(', ')} also matches CreateTags, which EC2 ` +
          'counts as a creating action: the principal can call CreateTags on any existing resource the ' +
          "statement's Resource matches and retag it. List the creating actions by name with StringEquals",
        actions: ['ec2:CreateTags'],
        keys: ['ec2:CreateAction'],
      },
    ];
  },
};

/** Every rule, in the order findings are listed for a statement. */
export const RULES: LintRule[] = [
  retagAway,
  retagAny,
  createWithoutRequestTag,
  selfRetag,
  s3ObjectGenericTagKeys,
  s3BucketTagCondition,
  passroleByTag,
  createTagsCreateActionWildcard,
];
