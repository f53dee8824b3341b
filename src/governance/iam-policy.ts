// Reads an IAM identity policy document into checked statements: the JSON, its shape, and every action
// against AWS's Service Authorization Reference (src/governance/iam-data.ts). What is wrong is an InvalidPolicyError that
// names the statement and says what to fix.
import { InvalidPolicyError } from '../core/errors.js';
import { expandAction, iamServices, splitAction } from './iam-data.js';
import { lineLocator, position, scanJson } from './json-scan.js';

/** One condition of a statement: an operator applied to one key. */
export interface PolicyCondition {
  /** The operator as written: `ForAllValues:StringNotEquals`, `StringEqualsIfExists`. */
  operator: string;
  /** The operator without set prefix and `IfExists`, as AWS spells it: `StringNotEquals`. */
  test: string;
  /** `ForAllValues` or `ForAnyValue` when the operator carries that prefix. */
  set: 'ForAllValues' | 'ForAnyValue' | undefined;
  /** The operator ends with `IfExists`. */
  ifExists: boolean;
  /** The condition key as written (IAM compares keys case-insensitively). */
  key: string;
  /** The values, as strings. */
  values: string[];
}

/** One statement of an identity policy. */
export interface PolicyStatement {
  /** Its position in `Statement` (0 for a single statement object). */
  index: number;
  sid: string | undefined;
  /** The line of the text where the statement starts, when the policy was read from text. */
  line: number | undefined;
  effect: 'Allow' | 'Deny';
  /** Action patterns as written (`sns:Tag*`); those of `NotAction` when `notAction` is set. */
  actions: string[];
  notAction: boolean;
  /** Resource patterns as written; those of `NotResource` when `notResource` is set. */
  resources: string[];
  notResource: boolean;
  conditions: PolicyCondition[];
  /** The policy's name, when several policies are read together (`lintPolicies`). */
  policy?: string;
}

/**
 * What a policy document is: an identity policy (also a permissions boundary or an SCP), or a resource-based
 * policy, whose statements name a `Principal` (read, not evaluated).
 */
export type PolicyKind = 'identity' | 'resource';

/** An identity policy whose statements have been checked. */
export interface IamPolicy {
  version: string | undefined;
  statements: PolicyStatement[];
}

/** Where a statement is, for messages: `Statement[2] (Sid "TagOwn", line 14)`. */
export function statementLabel(s: Pick<PolicyStatement, 'index' | 'sid' | 'line' | 'policy'>): string {
  const details = [
    s.sid === undefined || s.sid === '' ? undefined : `Sid ${JSON.stringify(s.sid)}`,
    s.line === undefined ? undefined : `line ${s.line}`,
  ].filter(Boolean);
  const where = s.policy === undefined ? '' : `${s.policy} `;
  return `${where}Statement[${s.index}]${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/**
 * Reads an identity policy (JSON text, or the parsed document) and checks its shape and its actions.
 *
 * @throws InvalidPolicyError when it is not JSON, not an identity policy, or names an action AWS does not know.
 * @example
 * const policy = await readPolicy('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sns:Publish","Resource":"*"}}');
 * policy.statements[0]?.actions; // ['sns:Publish']
 */
export async function readPolicy(input: string | object, kind: PolicyKind = 'identity'): Promise<IamPolicy> {
  const policy = typeof input === 'string' ? parsePolicyText(input, kind) : toPolicy(input, [], kind);
  for (const statement of policy.statements) {
    for (const action of statement.actions) await checkAction(statement, action);
  }
  return policy;
}

/** The policy's shape, from text; its actions are not looked up (see {@link readPolicy}). */
export function parsePolicyText(input: string, kind: PolicyKind = 'identity'): IamPolicy {
  // A byte-order mark (as some editors write one) is not part of the policy.
  const text = input.replace(/^\uFEFF/, '');
  let value: unknown;
  const scan = scanJson(text);
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message.replace(/ in JSON at position \d+.*$/s, '');
    const where = scan.errorAt === undefined ? '' : ` at ${position(text, scan.errorAt)}`;
    throw new InvalidPolicyError(`the policy is not JSON${where}: ${reason}`);
  }
  const line = lineLocator(text);
  if (scan.duplicate) {
    const { key, first, second } = scan.duplicate;
    // JSON.parse keeps the last one silently; IAM refuses the document.
    throw new InvalidPolicyError(
      `the key ${JSON.stringify(key)} is given twice in one object (lines ${line(first)} and ${line(second)}): ` +
        'IAM refuses a policy with duplicate keys; merge the two into one',
    );
  }
  return toPolicy(value, scan.statements.map(line), kind);
}

const TOP_ELEMENTS = ['Version', 'Id', 'Statement'];

function toPolicy(value: unknown, lines: number[], kind: PolicyKind): IamPolicy {
  if (!isObject(value)) {
    throw new InvalidPolicyError('the policy is not an IAM policy: expected a JSON object with a Statement');
  }
  if (!Object.hasOwn(value, 'Statement') && Object.hasOwn(value, 'tags')) {
    throw new InvalidPolicyError(
      'the policy is not an IAM policy: it has no Statement (this looks like an AWS Organizations tag ' +
        'policy; lint-policy reads IAM identity policies)',
    );
  }
  const unknown = Object.keys(value).find((element) => !TOP_ELEMENTS.includes(element));
  if (unknown !== undefined) {
    const near = nearest(unknown, TOP_ELEMENTS);
    throw new InvalidPolicyError(
      `the policy has an unknown element "${unknown}"` +
        (near ? `: did you mean "${near}"?` : ` (a policy has ${TOP_ELEMENTS.join(', ')})`),
    );
  }
  if (!Object.hasOwn(value, 'Statement')) {
    throw new InvalidPolicyError(
      'the policy is not an IAM policy: it has no Statement (an identity policy is {"Version": "2012-10-17", "Statement": [...]})',
    );
  }
  const version = value.Version;
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') {
    throw new InvalidPolicyError(
      `the policy's Version ${JSON.stringify(version)} is not one IAM knows: write "2012-10-17"`,
    );
  }
  if (value.Id !== undefined && typeof value.Id !== 'string')
    throw new InvalidPolicyError('Id must be a string');
  const raw = value.Statement;
  const list = Array.isArray(raw) ? raw : [raw];
  if (!Array.isArray(raw) && !isObject(raw)) {
    throw new InvalidPolicyError("the policy's Statement must be an object or an array of objects");
  }
  return { version, statements: list.map((s, index) => toStatement(s, index, lines[index], kind)) };
}

const ELEMENTS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

function toStatement(
  raw: unknown,
  index: number,
  line: number | undefined,
  kind: PolicyKind,
): PolicyStatement {
  const sid = isObject(raw) && typeof raw.Sid === 'string' ? raw.Sid : undefined;
  const fail = (what: string): never => {
    throw new InvalidPolicyError(`${statementLabel({ index, sid, line })}: ${what}`);
  };
  if (!isObject(raw)) return fail('a statement must be a JSON object');
  for (const element of Object.keys(raw)) {
    if (kind === 'resource' && (element === 'Principal' || element === 'NotPrincipal')) continue;
    if (element === 'Principal' || element === 'NotPrincipal') {
      fail(
        `${element} belongs in resource-based policies (and trust policies), not in an identity policy: ` +
          'the identity the policy is attached to is the principal; remove it',
      );
    }
    if (!ELEMENTS.includes(element)) {
      const known = ELEMENTS.find((e) => e.toLowerCase() === element.toLowerCase());
      fail(
        `unknown element "${element}"${known ? `: did you mean "${known}"?` : ` (IAM knows ${ELEMENTS.join(', ')})`}`,
      );
    }
  }
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string') fail('Sid must be a string');
  if (raw.Effect === undefined) fail('it has no Effect: add "Effect": "Allow" or "Effect": "Deny"');
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') {
    fail(`Effect must be "Allow" or "Deny", not ${JSON.stringify(raw.Effect)}`);
  }
  const [actions, notAction] = pair(raw, 'Action', 'NotAction', fail);
  const [resources, notResource] = pair(raw, 'Resource', 'NotResource', fail);
  return {
    index,
    sid,
    line,
    effect: raw.Effect as 'Allow' | 'Deny',
    actions,
    notAction,
    resources,
    notResource,
    conditions: raw.Condition === undefined ? [] : conditions(raw.Condition, fail),
  };
}

// Exactly one of `Action`/`NotAction` (or `Resource`/`NotResource`): a string or a non-empty array of strings.
function pair(
  raw: Record<string, unknown>,
  name: string,
  notName: string,
  fail: (what: string) => never,
): [string[], boolean] {
  const has = Object.hasOwn(raw, name);
  const hasNot = Object.hasOwn(raw, notName);
  if (has && hasNot) fail(`it has both ${name} and ${notName}: keep one`);
  if (!has && !hasNot) fail(`it has no ${name}: add "${name}" (or "${notName}")`);
  const element = has ? name : notName;
  const value = raw[element];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) {
    fail(`${element} must be a string or a non-empty array of strings, not ${JSON.stringify(value)}`);
  }
  return [list as string[], !has];
}

const OPERATORS = [
  ...['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase'],
  ...['StringLike', 'StringNotLike', 'NumericEquals', 'NumericNotEquals', 'NumericLessThan'],
  ...['NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals', 'DateEquals'],
  ...['DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'],
  ...['Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals'],
  ...['ArnNotLike', 'Null'],
];

function conditions(raw: unknown, fail: (what: string) => never): PolicyCondition[] {
  if (!isObject(raw)) return fail('Condition must be an object: {"StringEquals": {"key": "value"}}');
  const found: PolicyCondition[] = [];
  for (const [operator, block] of Object.entries(raw)) {
    const parts = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/i.exec(operator);
    const test = OPERATORS.find((o) => o.toLowerCase() === parts?.[2]?.toLowerCase());
    if (!parts || !test || (test === 'Null' && parts[3])) {
      fail(
        `unknown condition operator "${operator}" (such as StringEquals, StringLike, ForAllValues:StringEquals)`,
      );
    }
    if (!isObject(block))
      fail(`the condition ${operator} must map keys to values: {"aws:ResourceTag/k": "v"}`);
    const prefix = parts?.[1]?.toLowerCase();
    const set =
      prefix === 'forallvalues' ? 'ForAllValues' : prefix === 'foranyvalue' ? 'ForAnyValue' : undefined;
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
        fail(`the value of ${operator} ${key} must be a string or an array of strings`);
      }
      const values = list.map(String);
      found.push({ operator, test: test as string, set, ifExists: parts?.[3] !== undefined, key, values });
    }
  }
  return found;
}

async function checkAction(statement: PolicyStatement, action: string): Promise<void> {
  if (action === '*') return;
  const fail = (what: string): never => {
    throw new InvalidPolicyError(`${statementLabel(statement)}: ${what}`);
  };
  const parts = splitAction(action);
  if (!parts) return fail(`"${action}" is not an action: write service:Action (sns:Publish), or "*"`);
  if ((await expandPattern(action)).length > 0) return;
  const [service, name] = parts;
  const services = await iamServices();
  if (!/[*?]/.test(service) && !services.some((s) => s.toLowerCase() === service.toLowerCase())) {
    const near = nearest(service, services);
    fail(
      `"${action}": AWS's reference knows no service "${service}"${near ? `: did you mean "${near}"?` : ''}`,
    );
  }
  if (/[*?]/.test(action)) fail(`"${action}" matches no action AWS's reference knows`);
  const names = (await expandAction(`${service}:*`)).map((a) => a.slice(a.indexOf(':') + 1));
  const near = nearest(name, names);
  fail(
    `"${action}" is not an action of ${service} in AWS's reference` +
      (near ? `: did you mean "${service}:${near}"?` : ''),
  );
}

const expansions = new Map<string, Promise<string[]>>();

/** The actions an action pattern matches ({@link expandAction}), remembered: policies repeat their patterns. */
export function expandPattern(pattern: string): Promise<string[]> {
  const key = pattern.toLowerCase();
  let found = expansions.get(key);
  if (!found) {
    // Bounded, for a process that lints many policies.
    if (expansions.size >= 10_000) expansions.clear();
    found = expandAction(pattern);
    expansions.set(key, found);
  }
  return found;
}

// The closest name by edit distance, ignoring case; only when it differs by little (a typo, a plural).
function nearest(word: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 4)) + 1;
  for (const name of names) {
    const d = distance(word.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(
        (row[j - 1] as number) + 1,
        (previous[j] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = row;
  }
  return previous[b.length] as number;
}

/**
 * What a condition evaluates to when its key is absent from the request: IAM's rule for a key the action never
 * carries. Negated operators, `...IfExists` and `ForAllValues:` hold; `Null` holds when it asks for `true`.
 */
export function holdsWithoutKey(condition: PolicyCondition): boolean {
  if (condition.test === 'Null') return condition.values.every((v) => v.toLowerCase() === 'true');
  if (condition.set === 'ForAllValues' || condition.ifExists) return true;
  if (condition.set === 'ForAnyValue') return false;
  return /Not/.test(condition.test);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
