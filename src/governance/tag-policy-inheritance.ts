// The effective tag policy of an account, merged from the policies of its organization's tree (the root, each OU
// down to the account, the account) as AWS Organizations merges them: the inheritance operators and the child
// control operator (docs/tag-policies.md, "Policies of an organization"). Pure: no AWS call, no file.

import { isPlainObject, optional, optionsArgument, refuse } from '../core/arguments.js';
import { ConfigurationError, InvalidPolicyError } from '../core/errors.js';
import { checkInheritingPolicy, pathText } from './tag-policy.js';

/** A value-setting operator. */
export type PolicyOperator = '@@assign' | '@@append' | '@@remove';

/** A member's value in an effective policy: `tag_key`'s spelling, a list, or unitag's `required` flag. */
export type EffectiveValue = string | boolean | string[];

/**
 * An effective tag policy: each policy key's members without operators, as AWS shows an account's effective
 * policy. `parseTagPolicy` reads it.
 */
export interface EffectiveTagPolicy {
  tags: Record<string, Record<string, EffectiveValue>>;
}

/** An operator of a policy that the merge leaves out, as AWS does, and why. */
export interface IgnoredOperator {
  /** The policy it is in: its name from `names`, else `policies[i]` (`policies[i][j]` within a level). */
  policy: string;
  /** Its JSON path in that policy: `tags.project.tag_key["@@assign"]`. */
  path: string;
  operator: PolicyOperator;
  /** Why it is left out, naming the policy that decides. */
  reason: string;
}

/** Options of {@link effectiveTagPolicy}. */
export interface InheritanceOptions {
  /** A name per level of `policies` (a file name), used in errors and in what `onIgnored` hears. */
  names?: readonly string[] | undefined;
  /**
   * Hears of each operator left out: one a parent's `@@operators_allowed_for_child_policies` does not allow, an
   * `@@assign` after the first at the same level, a `@@remove` in the first level (it has nothing to remove from).
   */
  onIgnored?: ((ignored: IgnoredOperator) => void) | undefined;
}

const OPERATORS: readonly PolicyOperator[] = ['@@assign', '@@append', '@@remove'];
const CHILD_CONTROL = '@@operators_allowed_for_child_policies';
/** Separates the parts of a lock path: a policy key may hold any character but this one. */
const SEP = '\u0000';

/** A parent's child control: the operators it allows the levels below, and the policy that says so. */
interface Lock {
  allowed: ReadonlySet<PolicyOperator>;
  by: string;
}

/** One operator on one member, in one policy. */
interface Use {
  operator: PolicyOperator;
  value: EffectiveValue;
  policy: string;
  path: string;
}

/** What one level (the policies attached to one entity) does to one member of one policy key. */
interface LevelSetting {
  key: string;
  member: string;
  uses: Use[];
}

interface State {
  /** The statements so far, by policy key in lower case: the key as first written, and its members. */
  statements: Map<string, { key: string; members: Map<string, EffectiveValue> }>;
  /** The child controls of the levels merged so far, by lock path (see {@link lockPaths}). */
  locks: Map<string, Lock[]>;
}

/** One policy of a level: its name, and its document, checked. */
interface Named {
  name: string;
  document: Record<string, unknown>;
}

/**
 * The effective tag policy of an account, from the policies that apply to it, the organization root's first, then
 * each OU's from the top down, then the account's own. Each item is a policy (its JSON text, or the parsed value),
 * or a list of the policies attached to one entity, in the order they were attached. The merge is AWS's:
 *
 * - `@@assign` replaces what is inherited (a list whole); `@@append` adds to an inherited list; `@@remove` takes
 *   values out of it, and a list left empty is left out;
 * - `@@operators_allowed_for_child_policies` (`@@all`, `@@none`, or a list of operators), at any level of a
 *   document, limits the operators of the levels below it, for every member under it; limits add up and a child
 *   cannot lift them. An operator it does not allow is left out, as AWS leaves it out;
 * - among the policies of one entity, the first attached `@@assign` wins; their appends and removes all apply.
 *
 * Policy keys are matched without regard to case. Each policy is checked as `parseTagPolicy` checks one (a
 * `@@remove` alone is allowed); a bad one throws an `InvalidPolicyError` naming it and the JSON path.
 *
 * @example
 * const root = { tags: { costcenter: { tag_key: { '@@assign': 'CostCenter' }, tag_value: { '@@assign': ['100'] } } } };
 * const ou = { tags: { costcenter: { tag_value: { '@@append': ['200'] } } } };
 * effectiveTagPolicy([root, ou]); // { tags: { costcenter: { tag_key: 'CostCenter', tag_value: ['100', '200'] } } }
 * const policy = parseTagPolicy(effectiveTagPolicy([root, ou]));
 */
export function effectiveTagPolicy(
  policies: readonly unknown[],
  options?: InheritanceOptions,
): EffectiveTagPolicy {
  if (!Array.isArray(policies) || policies.length === 0) {
    refuse(
      ConfigurationError,
      'effectiveTagPolicy: policies',
      'a list of tag policies, the root first',
      policies,
    );
  }
  optionsArgument(options, 'effectiveTagPolicy: options', {
    names: namesArgument,
    onIgnored: optional.callback,
  });
  const onIgnored = options?.onIgnored ?? (() => {});
  const state: State = { statements: new Map(), locks: new Map() };
  policies.forEach((level: unknown, i) => {
    const documents = levelDocuments(level, options?.names?.[i] ?? `policies[${i}]`);
    const settings = new Map<string, LevelSetting>();
    const locks = new Map<string, Lock[]>();
    for (const named of documents) collect(named, settings, locks, onIgnored);
    for (const setting of settings.values()) apply(state, setting, i === 0, onIgnored);
    // A level's child controls govern the levels below it, not its own policies.
    for (const [path, list] of locks) state.locks.set(path, [...(state.locks.get(path) ?? []), ...list]);
  });
  const tags = [...state.statements.values()]
    .filter((s) => s.members.size > 0)
    .map((s) => [s.key, Object.fromEntries(s.members)] as const);
  return { tags: Object.fromEntries(tags) };
}

/** The policies of one level: one policy, or a list of the policies attached to one entity. */
function levelDocuments(level: unknown, name: string): Named[] {
  const value = typeof level === 'string' ? jsonOrText(level) : level;
  if (!Array.isArray(value)) return [{ name, document: checked(level, name) }];
  if (value.length === 0) {
    throw new InvalidPolicyError(
      `${name}: an empty list: give the policies attached to one entity, first attached first`,
    );
  }
  return value.map((policy, j) => ({ name: `${name}[${j}]`, document: checked(policy, `${name}[${j}]`) }));
}

// Text that is not JSON is left to the policy check, which says so in its words.
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return text;
  }
}

function checked(policy: unknown, name: string): Record<string, unknown> {
  try {
    return checkInheritingPolicy(policy);
  } catch (error) {
    if (error instanceof InvalidPolicyError) throw new InvalidPolicyError(`${name}: ${error.message}`);
    throw error;
  }
}

/** Adds one policy's operators and child controls to its level's. */
function collect(
  { name, document }: Named,
  settings: Map<string, LevelSetting>,
  locks: Map<string, Lock[]>,
  onIgnored: (ignored: IgnoredOperator) => void,
): void {
  const tags = document.tags as Record<string, unknown>;
  addLock(locks, '', document[CHILD_CONTROL], name);
  addLock(locks, 'tags', tags[CHILD_CONTROL], name);
  for (const [key, statement] of Object.entries(tags)) {
    if (key === CHILD_CONTROL) continue;
    const lower = key.toLowerCase();
    const members = statement as Record<string, unknown>;
    addLock(locks, ['tags', lower].join(SEP), members[CHILD_CONTROL], name);
    for (const [member, value] of Object.entries(members)) {
      if (member === CHILD_CONTROL) continue;
      const id = [lower, member].join(SEP);
      const setting = settings.get(id) ?? { key, member, uses: [] };
      settings.set(id, setting);
      if (isPlainObject(value)) addLock(locks, ['tags', lower, member].join(SEP), value[CHILD_CONTROL], name);
      for (const use of usesOf(value, name, ['tags', key, member])) {
        const first = setting.uses.find((u) => u.operator === '@@assign');
        if (use.operator === '@@assign' && first) {
          // AWS's Example 6: of two policies on one entity that assign a member, the first attached wins.
          const reason = `${first.policy}, attached before it to the same entity, assigns it: the first attached wins`;
          onIgnored({ policy: name, path: use.path, operator: use.operator, reason });
        } else setting.uses.push(use);
      }
    }
  }
}

/** A member's operators; a value without operators (the effective form) is an `@@assign`. */
function usesOf(value: unknown, policy: string, at: string[]): Use[] {
  if (!isPlainObject(value))
    return [{ operator: '@@assign', value: value as EffectiveValue, policy, path: pathText(at) }];
  return OPERATORS.filter((op) => Object.hasOwn(value, op)).map((operator) => ({
    operator,
    value: value[operator] as EffectiveValue,
    policy,
    path: pathText([...at, operator]),
  }));
}

function addLock(locks: Map<string, Lock[]>, path: string, value: unknown, by: string): void {
  if (value === undefined) return;
  const listed = value as string[];
  const allowed = new Set(
    listed.includes('@@all') ? OPERATORS : OPERATORS.filter((op) => listed.includes(op)),
  );
  locks.set(path, [...(locks.get(path) ?? []), { allowed, by }]);
}

// Within a level: its @@assign first, then every @@append, then every @@remove (as within one policy).
const RANK: Record<PolicyOperator, number> = { '@@assign': 0, '@@append': 1, '@@remove': 2 };

/** Applies one level's operators on one member to what the levels above left, as far as their locks allow. */
function apply(
  state: State,
  { key, member, uses }: LevelSetting,
  first: boolean,
  onIgnored: (ignored: IgnoredOperator) => void,
): void {
  const lower = key.toLowerCase();
  const paths = lockPaths(lower, member);
  for (const use of [...uses].sort((a, b) => RANK[a.operator] - RANK[b.operator])) {
    const ignore = (reason: string) =>
      onIgnored({ policy: use.policy, path: use.path, operator: use.operator, reason });
    const lock = paths.flatMap((p) => state.locks.get(p) ?? []).find((l) => !l.allowed.has(use.operator));
    if (lock) {
      ignore(`${lock.by} allows child policies ${allowedText(lock.allowed)} here`);
      continue;
    }
    const statement = state.statements.get(lower);
    const before = statement?.members.get(member);
    if (use.operator === '@@remove' && before === undefined && first) {
      ignore('there is nothing to remove from: give the parent policies first (the root, then each OU)');
      continue;
    }
    const after = operate(use.operator, before, use.value);
    if (after !== undefined) {
      const into = statement ?? { key, members: new Map<string, EffectiveValue>() };
      state.statements.set(lower, into);
      into.members.set(member, after);
    } else statement?.members.delete(member);
  }
}

/** The lock paths that govern a member: the document, `tags`, its policy key, the member itself. */
function lockPaths(lower: string, member: string): string[] {
  return ['', 'tags', ['tags', lower].join(SEP), ['tags', lower, member].join(SEP)];
}

function allowedText(allowed: ReadonlySet<PolicyOperator>): string {
  return allowed.size === 0 ? 'no operator' : `only ${[...allowed].join(' and ')}`;
}

/** A member's value after one operator (undefined: left out of the effective policy). */
function operate(
  operator: PolicyOperator,
  before: EffectiveValue | undefined,
  value: EffectiveValue,
): EffectiveValue | undefined {
  if (operator === '@@assign') return Array.isArray(value) ? [...value] : value;
  const list = Array.isArray(value) ? value : [];
  if (operator === '@@append') {
    // `required: true` already covers every type; a list added to `false` is that list.
    if (before === true) return true;
    return [...new Set([...(Array.isArray(before) ? before : []), ...list])];
  }
  if (!Array.isArray(before)) return before;
  const removed = new Set(list);
  const left = before.filter((v) => !removed.has(v));
  // AWS's Example 3: removing every value of a list leaves the member out of the effective policy.
  return left.length > 0 ? left : undefined;
}

function namesArgument(value: unknown, field: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    refuse(ConfigurationError, field, 'a list of names, one per level of policies', value);
  }
}
