// One statement of a policy as the lint rules see it, through AWS's Service Authorization Reference: the actions
// it concerns (through wildcards, NotAction and its Resource), the condition keys they carry, the resource types
// its Resource (or NotResource) covers. Answers are remembered across statements: long policies repeat
// themselves, and each answer costs a look-up in the reference.
import { arnPatternCovers, arnPatternsMeet } from './arn-patterns.js';
import {
  type ActionInfo,
  actionInfo,
  conditionKeysOf,
  isGlobalConditionKey,
  keyMatches,
  resourceTypeInfo,
} from './iam-data.js';
import { expandPattern, holdsWithoutKey, type PolicyCondition, type PolicyStatement } from './iam-policy.js';
import type { StatementView } from './policy-types.js';

/** `service:Action` in lower case: how actions are compared. */
export const actionId = (action: ActionInfo): string => `${action.service}:${action.name}`.toLowerCase();

/** The view of one statement the rules read. */
export async function viewOf(statement: PolicyStatement): Promise<StatementView> {
  const actions = await remember(actionLists, signature(statement), () => actionsOf(statement));
  const named = new Set(
    statement.notAction ? [] : statement.actions.filter((a) => !/[*?]/.test(a)).map((a) => a.toLowerCase()),
  );
  const byKey = new Map<string, PolicyCondition[]>();
  for (const c of statement.conditions) {
    const key = c.key.toLowerCase();
    byKey.set(key, [...(byKey.get(key) ?? []), c]);
  }
  return {
    statement,
    actions,
    named: (action) => named.has(actionId(action)),
    supports,
    applies: async (action) => {
      for (const condition of statement.conditions) {
        if (!holdsWithoutKey(condition) && !(await supports(action, condition.key))) return false;
      }
      return true;
    },
    covers: (action, type) => covers(statement, action.service, type),
    conditionsOn: (key) => byKey.get(key.toLowerCase()) ?? [],
  };
}

const actionLists = new Map<string, Promise<ActionInfo[]>>();
const infos = new Map<string, Promise<ActionInfo | undefined>>();
const supported = new Map<string, Promise<boolean>>();
const keyLists = new Map<string, Promise<string[]>>();
const coverage = new Map<string, Promise<boolean>>();

// The memo of `map`, bounded for a process that lints many policies.
function remember<T>(map: Map<string, Promise<T>>, key: string, compute: () => Promise<T>): Promise<T> {
  let found = map.get(key);
  if (!found) {
    if (map.size >= 50_000) map.clear();
    found = compute();
    map.set(key, found);
  }
  return found;
}

const signature = (s: PolicyStatement) =>
  JSON.stringify([s.notAction, s.actions.map((a) => a.toLowerCase()), s.notResource, s.resources]);
const info = (id: string) => remember(infos, id.toLowerCase(), () => actionInfo(id));

/**
 * The actions a statement concerns. A named action counts as named; what a wildcard or NotAction matches counts
 * only where the statement's Resource can name one of its resources (an action without resource types only with
 * `"Resource": "*"`), as IAM would never match the rest.
 */
async function actionsOf(statement: PolicyStatement): Promise<ActionInfo[]> {
  const matched = new Set<string>();
  for (const pattern of statement.actions)
    for (const a of await expandPattern(pattern)) matched.add(a.toLowerCase());
  const ids = statement.notAction
    ? (await expandPattern('*')).filter((a) => !matched.has(a.toLowerCase()))
    : [...matched];
  const found = (await Promise.all(ids.map(info))).filter((a) => a !== undefined);
  if (!statement.notAction && statement.actions.every((a) => !/[*?]/.test(a))) return found;
  const named = new Set(statement.notAction ? [] : statement.actions.map((a) => a.toLowerCase()));
  const kept: ActionInfo[] = [];
  for (const a of found) if (named.has(actionId(a)) || (await concerns(statement, a))) kept.push(a);
  return kept;
}

async function concerns(statement: PolicyStatement, action: ActionInfo): Promise<boolean> {
  const { resources, notResource } = statement;
  if (action.resourceTypes.length === 0) {
    // Its requests name the resource "*", which only a "*" matches.
    const star = resources.some((r) => /^\*+$/.test(r));
    return notResource ? !star : star;
  }
  for (const type of action.resourceTypes)
    if (await covers(statement, action.service, type.name)) return true;
  return false;
}

/** True when the action carries the key: its own keys, its resource types' keys, or a global key. */
function supports(action: ActionInfo, key: string): Promise<boolean> {
  const id = actionId(action);
  return remember(supported, `${id} ${key.toLowerCase()}`, async () => {
    if (await isGlobalConditionKey(key)) return true;
    const keys = await remember(keyLists, id, () => conditionKeysOf(action));
    return keys.some((pattern) => keyMatches(pattern, key));
  });
}

/**
 * True when the statement's Resource can name a resource of the type; with NotResource, when its patterns do not
 * name every resource of the type. A type the reference does not describe is taken as covered.
 */
function covers(statement: PolicyStatement, service: string, type: string): Promise<boolean> {
  const { resources, notResource } = statement;
  const key = JSON.stringify([notResource, resources, service, type]);
  return remember(coverage, key, async () => {
    // A type may have several ARN formats, comma-separated (API Gateway stages of REST and HTTP APIs).
    const formats = (await resourceTypeInfo(service, type))?.arn.split(/,\s*/);
    if (formats === undefined) return true;
    if (notResource) return formats.some((f) => !resources.some((p) => arnPatternCovers(p, f)));
    return formats.some((f) => resources.some((p) => arnPatternsMeet(p, f)));
  });
}
