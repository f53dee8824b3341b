// Tag policies in AWS Organizations' syntax (docs/tag-policies.md), read once into rules that the checker
// (tag-policy-check.ts) applies to resources' tags. Pure: no AWS call, no file.

import { isPlainObject, refuse } from '../core/arguments.js';
import { ConfigurationError, InvalidPolicyError, InvalidTagError } from '../core/errors.js';

/** What one statement of a tag policy says about one tag key. */
export interface TagKeyRule {
  /** The policy key as written; AWS compares policy keys without regard to case. */
  policyKey: string;
  /** The spelling resources must use (`tag_key`); without one, the policy key in lower case. */
  tagKey: string;
  /** The allowed values (`tag_value`), each with at most one `*` wildcard; undefined allows any value. */
  values?: readonly string[] | undefined;
  /** Resource types on which AWS refuses noncompliant writes (`enforced_for`): `ec2:volume`, `sns:ALL_SUPPORTED`. */
  enforcedFor: readonly string[];
  /**
   * Resource types that must carry the key: `true` for every type (unitag's `required: true`), or the types of
   * unitag's `required` list and of AWS's `report_required_tag_for`. Empty: never required.
   */
  requiredFor: true | readonly string[];
}

/** A tag policy: one rule per tag key, in the order of the document. */
export interface TagPolicy {
  readonly rules: readonly TagKeyRule[];
}

const CHILD_CONTROL = '@@operators_allowed_for_child_policies';
const CHILD_OPERATORS = new Set(['@@all', '@@assign', '@@append', '@@remove', '@@none']);
const MEMBERS = ['tag_key', 'tag_value', 'enforced_for', 'report_required_tag_for', 'required'];
const EXAMPLE = '{"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}}';
/** `service:type`, `service:*` or `service:ALL_SUPPORTED`: a `*` stands only for a whole type of one service. */
const RESOURCE_TYPE = /^[a-z0-9-]+:(\*|[^\s*]+)$/;

type Path = readonly (string | number)[];

/**
 * Reads a tag policy: the JSON text (or its parsed value) of a policy as written for AWS Organizations, with
 * `@@assign` and the other operators, or an effective policy as AWS returns it, without them (also whole, as
 * `aws organizations describe-effective-policy` prints it). Throws an `InvalidPolicyError` naming the JSON path
 * at fault and what to write instead.
 *
 * @example
 * const policy = parseTagPolicy('{"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}}');
 * policy.rules[0]?.tagKey; // 'CostCenter'
 */
export function parseTagPolicy(document: unknown): TagPolicy {
  return readPolicy(document, false);
}

/**
 * Checks one policy of an organization's tree as {@link parseTagPolicy} does, but as a policy that inherits: a
 * `@@remove` alone takes from what its parents give. Returns the document (its JSON parsed). For
 * tag-policy-inheritance.ts.
 */
export function checkInheritingPolicy(document: unknown): Record<string, unknown> {
  readPolicy(document, true);
  const root = typeof document === 'string' ? parseJson(document) : document;
  return unwrapEffective(root) as Record<string, unknown>;
}

function readPolicy(document: unknown, inherits: boolean): TagPolicy {
  const root = typeof document === 'string' ? parseJson(document) : document;
  const policy = unwrapEffective(root);
  if (!isObject(policy)) fail([], `a tag policy is a JSON object, such as ${EXAMPLE}`);
  for (const member of Object.keys(policy)) {
    if (member === CHILD_CONTROL) childControl(policy[member], [member]);
    else if (member !== 'tags')
      fail([member], `unknown member: a tag policy holds only "tags", as in ${EXAMPLE}`);
  }
  if (!Object.hasOwn(policy, 'tags')) fail([], `not a tag policy: it has no "tags" object; write ${EXAMPLE}`);
  const tags = policy.tags;
  if (!isObject(tags)) fail(['tags'], `must be an object of policy keys, as in ${EXAMPLE}`);
  const rules: TagKeyRule[] = [];
  const seen = new Map<string, string>();
  for (const [policyKey, statement] of Object.entries(tags)) {
    if (policyKey === CHILD_CONTROL) {
      childControl(statement, ['tags', policyKey]);
      continue;
    }
    const earlier = seen.get(policyKey.toLowerCase());
    if (earlier !== undefined) {
      fail(['tags', policyKey], `"${earlier}" is there already (policy keys ignore case): merge the two`);
    }
    seen.set(policyKey.toLowerCase(), policyKey);
    rules.push(readRule(policyKey, statement, ['tags', policyKey], inherits));
  }
  return { rules };
}

/**
 * True when `value` matches `pattern`: equal to it, or, where the pattern holds a `*`, starting with what comes
 * before the `*` and ending with what comes after it (the `*` matches any run of characters, none included).
 * Values are compared with their case.
 */
export function matchesValue(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star === -1) return pattern === value;
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  return value.length >= prefix.length + suffix.length && value.startsWith(prefix) && value.endsWith(suffix);
}

/** True when `value` matches one of `allowed`; any value does when the policy lists none (undefined). */
export function valueAllowed(allowed: readonly string[] | undefined, value: string): boolean {
  if (allowed !== undefined && !isStrings(allowed)) {
    refuse(
      InvalidPolicyError,
      'valueAllowed: allowed',
      "a rule's values (an array of strings), or undefined",
      allowed,
    );
  }
  if (typeof value !== 'string')
    refuse(InvalidTagError, 'valueAllowed: value', 'a tag value (a string)', value);
  return allows(allowed, value);
}

/** {@link valueAllowed} for a rule the checker has read already. */
export function allows(allowed: readonly string[] | undefined, value: string): boolean {
  return allowed === undefined || allowed.some((pattern) => matchesValue(pattern, value));
}

/** True when `type` (`ec2:volume`) is named by `types`, or covered by `ec2:*` or `ec2:ALL_SUPPORTED`. */
export function typeListed(types: true | readonly string[], type: string): boolean {
  if (types !== true && !isStrings(types)) {
    refuse(InvalidPolicyError, 'typeListed: types', 'true or an array of resource types', types);
  }
  if (typeof type !== 'string') {
    refuse(ConfigurationError, 'typeListed: type', 'a resource type such as "ec2:volume"', type);
  }
  return lists(types, type);
}

/** {@link typeListed} for a rule the checker has read already. */
export function lists(types: true | readonly string[], type: string): boolean {
  if (types === true) return true;
  const service = type.slice(0, type.indexOf(':') + 1);
  return types.some(
    (t) => t === type || (service !== '' && (t === `${service}*` || t === `${service}ALL_SUPPORTED`)),
  );
}

/**
 * A tag policy given to a checker: the value of {@link parseTagPolicy}, or one built alike. Throws an
 * `InvalidPolicyError` naming what is wrong with it.
 */
export function policyArgument(value: unknown, field: string): TagPolicy {
  const wanted = 'a tag policy from parseTagPolicy() ({ rules: [...] })';
  if (!isPlainObject(value) || !Array.isArray(value.rules)) refuse(InvalidPolicyError, field, wanted, value);
  const { rules } = value;
  for (let i = 0; i < rules.length; i++) {
    const rule: unknown = rules[i];
    const valid =
      isPlainObject(rule) &&
      typeof rule.policyKey === 'string' &&
      typeof rule.tagKey === 'string' &&
      (rule.values === undefined || isStrings(rule.values)) &&
      isStrings(rule.enforcedFor) &&
      (rule.requiredFor === true || isStrings(rule.requiredFor));
    if (!valid) {
      refuse(
        InvalidPolicyError,
        `${field}.rules[${i}]`,
        'a rule { policyKey, tagKey, values?, enforcedFor, requiredFor } from parseTagPolicy()',
        rule,
      );
    }
  }
  return value as unknown as TagPolicy;
}

function isStrings(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return false;
  return true;
}

function parseJson(text: string): unknown {
  try {
    // A byte-order mark (as some editors write one) is not part of the policy.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InvalidPolicyError(
      `not JSON (${(error as Error).message}); a tag policy looks like ${EXAMPLE}`,
    );
  }
}

// `aws organizations describe-effective-policy` prints { EffectivePolicy: { PolicyContent: "<the policy>" } }.
function unwrapEffective(root: unknown): unknown {
  if (!isObject(root) || !Object.hasOwn(root, 'EffectivePolicy')) return root;
  const effective = root.EffectivePolicy;
  if (!isObject(effective) || typeof effective.PolicyContent !== 'string') {
    fail(['EffectivePolicy'], 'holds no PolicyContent string: give the policy itself');
  }
  if (effective.PolicyType !== undefined && effective.PolicyType !== 'TAG_POLICY') {
    fail(['EffectivePolicy', 'PolicyType'], `is ${JSON.stringify(effective.PolicyType)}: give a TAG_POLICY`);
  }
  return parseJson(effective.PolicyContent);
}

function readRule(policyKey: string, statement: unknown, at: Path, inherits: boolean): TagKeyRule {
  if (policyKey === '' || [...policyKey].length > 128) fail(at, 'a policy key has 1 to 128 characters');
  if (policyKey.startsWith('@@')) fail(at, `operators go inside a policy key's settings, as in ${EXAMPLE}`);
  if (policyKey.toLowerCase().startsWith('aws:')) {
    fail(at, 'keys starting with "aws:" are reserved for AWS: a policy cannot rule them');
  }
  if (!isObject(statement)) fail(at, `must be an object, such as {"tag_key": {"@@assign": "${policyKey}"}}`);
  const rule: TagKeyRule = { policyKey, tagKey: policyKey.toLowerCase(), enforcedFor: [], requiredFor: [] };
  const required: string[] = [];
  for (const [member, value] of Object.entries(statement)) {
    const here = [...at, member];
    if (member === CHILD_CONTROL) childControl(value, here);
    else if (member === 'tag_key') rule.tagKey = tagKeyOf(policyKey, value, here);
    else if (member === 'tag_value') rule.values = valuesOf(value, here, inherits);
    else if (member === 'enforced_for')
      rule.enforcedFor = listSetting(value, here, resourceType, inherits) ?? [];
    else if (member === 'report_required_tag_for')
      required.push(...(listSetting(value, here, resourceType, inherits) ?? []));
    else if (member === 'required') {
      const types = requiredSetting(value, here, inherits);
      if (types === true) rule.requiredFor = true;
      else required.push(...types);
    } else fail(here, `unknown member; a policy key holds ${MEMBERS.join(', ')} (and ${CHILD_CONTROL})`);
  }
  if (rule.requiredFor !== true) rule.requiredFor = [...new Set(required)];
  return rule;
}

function tagKeyOf(policyKey: string, value: unknown, at: Path): string {
  const key = settle(value, at, 'one');
  if (key === undefined) return policyKey.toLowerCase();
  if (typeof key !== 'string') fail(assigned(value, at), `must be a string, such as "${policyKey}"`);
  if (key.toLowerCase() !== policyKey.toLowerCase()) {
    fail(
      assigned(value, at),
      `"${key}" is not the policy key "${policyKey}" in another case: the tag key is the policy key, spelled with the capitals resources must use`,
    );
  }
  return key;
}

function valuesOf(value: unknown, at: Path, inherits: boolean): string[] | undefined {
  const values = listSetting(value, at, tagValue, inherits);
  if (values?.length === 0) {
    fail(at, 'allows no value at all: list the allowed values, or leave tag_value out to allow any value');
  }
  return values;
}

// unitag's extension: true (every type), false, or a list of resource types.
function requiredSetting(value: unknown, at: Path, inherits: boolean): true | string[] {
  const setting = isObject(value)
    ? Object.hasOwn(value, '@@assign')
      ? value['@@assign']
      : undefined
    : value;
  if (typeof setting === 'boolean') {
    settle(value, at, 'one');
    return setting ? true : [];
  }
  if (setting !== undefined && !Array.isArray(setting)) {
    fail(assigned(value, at), 'must be true, false, or a list of resource types such as ["ec2:volume"]');
  }
  return listSetting(value, at, resourceType, inherits) ?? [];
}

/**
 * A list setting after its operators, each item checked. A single file has no parent policy: `@@append` adds to
 * what its own `@@assign` gives (alone, it acts as `@@assign`), and `@@remove` takes from that; a `@@remove`
 * with nothing to take from would remove from an inherited list unitag cannot see, and is refused (unless the
 * policy `inherits`: the merge of the tree applies it).
 */
function listSetting(
  value: unknown,
  at: Path,
  item: (v: unknown, at: Path) => string,
  inherits: boolean,
): string[] | undefined {
  if (!isObject(value)) {
    if (!Array.isArray(value)) fail(at, 'must be a list, such as ["a", "b"] (or {"@@assign": [...]})');
    return [...new Set(value.map((v, i) => item(v, [...at, i])))];
  }
  settle(value, at, 'many');
  const list = (op: string) => {
    if (!Object.hasOwn(value, op)) return undefined;
    const v = value[op];
    if (!Array.isArray(v)) fail([...at, op], 'must be a list, such as ["a", "b"]');
    return v.map((x, i) => item(x, [...at, op, i]));
  };
  const [assign, append, remove] = ['@@assign', '@@append', '@@remove'].map(list);
  if (assign === undefined && append === undefined) {
    if (remove === undefined || inherits) return undefined;
    fail(
      [...at, '@@remove'],
      'removes from an inherited list unitag does not see: check against the effective policy (aws organizations describe-effective-policy), or write the list with @@assign',
    );
  }
  const removed = new Set(remove);
  return [...new Set([...(assign ?? []), ...(append ?? [])])].filter((v) => !removed.has(v));
}

/**
 * The value of a setting written with operators (its `@@assign`), checking its members; any other value is the
 * effective form, returned as it is. `one`: a single-valued setting, which takes `@@assign` only.
 */
function settle(value: unknown, at: Path, kind: 'one' | 'many'): unknown {
  if (!isObject(value)) return value;
  for (const [member, v] of Object.entries(value)) {
    if (member === CHILD_CONTROL) childControl(v, [...at, member]);
    else if (member === '@@append' || member === '@@remove') {
      if (kind === 'one') fail([...at, member], 'this setting holds one value: set it with @@assign');
    } else if (member !== '@@assign') {
      fail(
        [...at, member],
        `unknown member; a setting holds @@assign, @@append, @@remove or ${CHILD_CONTROL}`,
      );
    }
  }
  return Object.hasOwn(value, '@@assign') ? value['@@assign'] : undefined;
}

// Child control operators shape inheritance between policies; a single file has none, so they are only checked.
function childControl(value: unknown, at: Path): void {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !CHILD_OPERATORS.has(v))) {
    fail(at, `must be a list of ${[...CHILD_OPERATORS].join(', ')}, such as ["@@none"]`);
  }
}

function tagValue(value: unknown, at: Path): string {
  if (typeof value !== 'string') {
    fail(at, `must be a string: write ${JSON.stringify(String(JSON.stringify(value)))} in quotes`);
  }
  if ([...value].length > 256) fail(at, 'is longer than 256 characters, the longest tag value AWS takes');
  if (value.split('*').length > 2) {
    fail(
      at,
      `"${value}" holds more than one "*": a value may hold one wildcard ("*@example.com", not "*@*.com")`,
    );
  }
  return value;
}

function resourceType(value: unknown, at: Path): string {
  if (typeof value !== 'string') fail(at, 'must be a resource type in quotes, such as "ec2:volume"');
  if (RESOURCE_TYPE.test(value)) return value;
  const lower = value.replace(/^[^:]*/, (service) => service.toLowerCase());
  if (RESOURCE_TYPE.test(lower)) fail(at, `"${value}": service names are lower case; write "${lower}"`);
  if (value.includes('*') && value.includes(':') && !value.startsWith('*')) {
    fail(
      at,
      `"${value}": a "*" stands only for every type of one service, as in "ec2:*" or "ec2:ALL_SUPPORTED"`,
    );
  }
  if (value.includes('*')) {
    fail(
      at,
      `"${value}": a wildcard cannot name every service; list each service, as in "ec2:ALL_SUPPORTED"`,
    );
  }
  return fail(at, `"${value}" is not service:type; write a type such as "ec2:volume" or "sns:ALL_SUPPORTED"`);
}

// Where an operator form's value was at fault: its @@assign.
function assigned(value: unknown, at: Path): Path {
  return isObject(value) ? [...at, '@@assign'] : at;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(at: Path, message: string): never {
  throw new InvalidPolicyError(`${pathText(at)}: ${message}`);
}

/** `tags.costcenter.tag_value["@@assign"][1]`: the JSON path, as a reader finds it in the file. */
export function pathText(at: Path): string {
  if (at.length === 0) return 'the policy';
  return at
    .map((part, i) =>
      typeof part === 'number'
        ? `[${part}]`
        : /^[A-Za-z_][\w]*$/.test(part)
          ? `${i === 0 ? '' : '.'}${part}`
          : `[${JSON.stringify(part)}]`,
    )
    .join('');
}
