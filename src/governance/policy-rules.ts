// The rules of `unitag lint-policy`: each looks at one statement (with the whole policy at hand) and says what a
// principal could do. The facts behind them, with links to AWS's documentation, are in docs/abac-policy-lint.md.
import { type ActionInfo, globMatches } from './iam-data.js';
import type { PolicyCondition } from './iam-policy.js';
import {
  abacConditions,
  comparesToPrincipal,
  guarded,
  isPositive,
  isRemoval,
  isS3Object,
  looseRequests,
  notGuards,
  presenceOnly,
  requiresOnCreate,
  tagConditions,
} from './policy-guards.js';
import type { LintRule, RuleHit, StatementView } from './policy-types.js';

export const id = (a: ActionInfo) => `${a.service}:${a.name}`;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
export const isTagging = (a: ActionInfo) => a.accessLevel.includes('Tagging');
export const list = (names: string[]) =>
  names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`;
export const allow = (view: StatementView) => view.statement.effect === 'Allow';
const quoted = (values: string[]) => JSON.stringify(values.length === 1 ? values[0] : values);
export const pin = (key: string) => `"\${aws:PrincipalTag/${key}}"`;

/** The allowed actions of the statement that pass `filter`, skipping those a condition rules out. */
export async function allowed(
  view: StatementView,
  filter: (a: ActionInfo) => boolean,
): Promise<ActionInfo[]> {
  const found: ActionInfo[] = [];
  for (const action of view.actions) if (filter(action) && (await view.applies(action))) found.push(action);
  return found;
}

// The literal values a statement grants `key` by, when it grants by literals rather than by principal tags.
function literalValues(conditions: PolicyCondition[]): string[] | undefined {
  if (conditions.length === 0 || conditions.some(comparesToPrincipal)) return undefined;
  return [...new Set(conditions.flatMap((c) => c.values))];
}

const retagAway: LintRule = {
  id: 'retag-away',
  severity: 'error',
  async check(view, context) {
    if (!allow(view)) return [];
    const hits: RuleHit[] = [];
    const tagging = await allowed(view, isTagging);
    for (const key of context.protectedKeys) {
      const open: ActionInfo[] = [];
      const granting: PolicyCondition[] = [];
      for (const a of tagging) {
        const abac = await abacConditions(view, a, key);
        if (abac.length === 0 || (await guarded(view, context, a, key, abac))) continue;
        open.push(a);
        granting.push(...abac);
      }
      if (open.length === 0) continue;
      const notes = notGuards(view, key, granting, open.some(isRemoval));
      hits.push({
        message: retagAwayMessage(key, open, literalValues(granting), notes),
        actions: open.map(id),
        keys: [key],
      });
    }
    return hits;
  },
};

function retagAwayMessage(key: string, open: ActionInfo[], literals: string[] | undefined, notes: string[]) {
  const object = open.every(isS3Object);
  const request = object ? `s3:RequestObjectTag/${key}` : `aws:RequestTag/${key}`;
  const whose = literals
    ? `whose ${key} tag is ${literals.map((v) => JSON.stringify(v)).join(' or ')}`
    : `whose ${key} tag matches the principal's`;
  const value = literals ? quoted(literals) : pin(key);
  const exclude = `"ForAllValues:StringNotEquals": {"aws:TagKeys": "${key}"}`;
  const fix = object
    ? `Add "${request}": ${value} (S3 replaces an object's whole tag set, so only a pinned value keeps ${key}), and allow no object tag deletion`
    : open.some(isRemoval)
      ? `Add ${exclude} (a removal is guarded only by the tag keys it names, or by a Deny)`
      : `Add "${request}": ${value} or ${exclude}`;
  const not = notes.length > 0 ? ` Not a guard: ${notes.join('; ')}.` : '';
  return (
    `${list(open.map(id))} allowed on resources ${whose}, with nothing protecting ${key}: the principal can ` +
    `change or remove ${key} on ${literals ? 'those' : 'its own'} resources and give them away.${not} ${fix}`
  );
}

const retagAny: LintRule = {
  id: 'retag-any',
  severity: 'error',
  async check(view, context) {
    if (!allow(view)) return [];
    const hits: RuleHit[] = [];
    const tagging = await allowed(view, isTagging);
    for (const key of context.protectedKeys) {
      const open: ActionInfo[] = [];
      const requests: PolicyCondition[] = [];
      for (const a of tagging) {
        const request = (await tagConditions(view, a, 'request', key)).filter(isPositive);
        if (request.length === 0 || (await abacConditions(view, a, key)).length > 0) continue;
        open.push(a);
        requests.push(...request);
      }
      if (open.length === 0) continue;
      hits.push({ message: retagAnyMessage(key, open, requests), actions: open.map(id), keys: [key] });
    }
    return hits;
  },
};

function retagAnyMessage(key: string, open: ActionInfo[], requests: PolicyCondition[]): string {
  const loose = requests.every(presenceOnly);
  const literals = loose ? undefined : literalValues(requests);
  const request = [...new Set(requests.map((c) => c.key))].join(', ');
  const resource = open.every(isS3Object) ? `s3:ExistingObjectTag/${key}` : `aws:ResourceTag/${key}`;
  const carries = loose ? `${request}, which only requires ${key} to be present with any value,` : request;
  return (
    `${list(open.map(id))} allowed with ${carries} but no ${resource} condition: the principal can retag any ` +
    `existing resource the statement's Resource matches into ${literals ? 'that' : 'its own'} ${key} and take ` +
    `it over. Add "${resource}": ${literals ? quoted(literals) : pin(key)}`
  );
}

// Actions whose names create something. Others that carry aws:RequestTag read, update, remove or start sessions
// (sts:AssumeRole), and some services' TagResource (aoss, connect's TagContact) is not of the Tagging level.
const CREATES =
  /^(Batch)?(Create|Run|Put|Start|Launch|Import|Register|Copy|Restore|Allocate|Add|Purchase|Request|Provision|Instantiate|Duplicate|Upload|Clone|Submit|Replicate|Reserve|Claim|Open|Enable|Activate)(?![a-z])/;

// The action creates and takes tags on create for a resource type the statement covers.
async function tagsOnCreate(view: StatementView, a: ActionInfo): Promise<boolean> {
  const requestTag = (keys: string[]) => keys.some((k) => same(k, 'aws:RequestTag/${TagKey}'));
  if (isTagging(a) || !CREATES.test(a.name) || /Tag(s|ging)?(?![a-z])/.test(a.name)) return false;
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
    const creates: ActionInfo[] = [];
    for (const a of await allowed(view, () => true)) if (await tagsOnCreate(view, a)) creates.push(a);
    const hits: RuleHit[] = [];
    for (const key of context.principalKeys) {
      const bare: string[] = [];
      for (const a of creates) if (!(await requiresOnCreate(view, context, a, key))) bare.push(id(a));
      if (bare.length === 0) continue;
      const notes = looseRequests(view, key);
      hits.push({
        message:
          `${list(bare)} (which tag on create) allowed without an aws:RequestTag/${key} condition that gives ` +
          `${key} a value: the principal can create resources without ${key}, or with another ${key}, outside ` +
          `of tag-based access.${notes.length > 0 ? ` ${notes.join('; ')}.` : ''} Add ` +
          `"aws:RequestTag/${key}": ${pin(key)}`,
        actions: bare,
        keys: [key],
      });
    }
    return hits;
  },
};

export const SELF = ['iam:taguser', 'iam:untaguser', 'iam:tagrole', 'iam:untagrole'];

// The statement's Resource may name the principal itself: "*", a wildcard over users or roles, ${aws:username};
// a NotResource that leaves some users or roles.
async function mayBeSelf(view: StatementView, a: ActionInfo): Promise<boolean> {
  const { resources, notResource } = view.statement;
  const type = a.name.endsWith('User') ? 'user' : 'role';
  if (notResource) return view.covers(a, type);
  for (const r of resources) {
    if (r === '*' || (type === 'user' && /\$\{aws:username\}/i.test(r))) return true;
    if (/[*?]|\$\{/.test(r) && (await view.covers(a, type))) return true;
  }
  return false;
}

export const where = ({ statement: s }: StatementView) =>
  `${s.notResource ? 'everything but ' : ''}${s.resources.join(', ')}`;

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
    for (const key of context.principalKeys) {
      const open: string[] = [];
      for (const a of targets) if (!(await guarded(view, context, a, key))) open.push(id(a));
      if (open.length === 0) continue;
      hits.push({
        message:
          `${list(open)} allowed on ${where(view)}, which can be the principal itself, with ` +
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
      if (a.service !== 's3') continue;
      // An object by its bucket (arn:aws:s3:::data/*) or through an access point: either form counts.
      const types = a.resourceTypes.filter((t) => t.name === 'object' || t.name === 'accesspointobject');
      for (const type of types) {
        if (await view.covers(a, type.name)) {
          objects.push(id(a));
          break;
        }
      }
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
      .filter(isPositive)
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
