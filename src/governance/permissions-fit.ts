// A least-privilege policy that fits IAM's size limits: by default one policy, its Resource lists widened step
// by step to the narrowest patterns that fit (names that share a first word, then a service's region and
// account, then its account, then the service), saying what was widened; or, exact, every ARN kept and the
// statements spread over as many policies as it takes.
import { isPlainObject, kindOf, optional, optionsArgument, refuse } from '../core/arguments.js';
import { ConfigurationError } from '../core/errors.js';
import {
  MANAGED_POLICY_LIMIT,
  type PolicyDocument,
  type PolicyStatement,
  policySize,
} from './permissions.js';

/** Options of {@link fitPolicy}. */
export interface FitOptions {
  /** Characters a policy may hold, whitespace aside. Default 6,144 (a managed policy); 10,240 for a role's inline ones. */
  maxSize?: number | undefined;
  /** Keep every ARN: split the statements into as many policies as needed instead of widening. */
  exact?: boolean | undefined;
}

/** One pattern that stands for several resources of the policy, after widening. */
export interface Widening {
  pattern: string;
  /** How many of the policy's resources it stands for. */
  resources: number;
}

/** What {@link fitPolicy} gives: the policies (one, unless exact), and what was widened to make them fit. */
export interface FittedPolicy {
  policies: PolicyDocument[];
  widened: Widening[];
  /** False when even the widest patterns leave the policy over the size (its actions alone are too many). */
  fits: boolean;
}

// Each step maps a resource to the pattern it widens to (or itself); a step is taken only if the ones before it
// left the policy too large.
const STEPS: ((arn: string) => string)[] = [
  byFirstWord,
  (arn) => byScope(arn, 5),
  (arn) => byScope(arn, 4, true),
  (arn) => byScope(arn, 3, true),
];

/**
 * `document` within `maxSize` characters. Without `exact`, widened as little as it takes (see the module
 * comment); with it, split. Pure: no AWS call.
 *
 * @example
 * const { policies, widened } = fitPolicy(await tagger.permissions(requests, { bulk: true }));
 */
export function fitPolicy(document: PolicyDocument, options: FitOptions = {}): FittedPolicy {
  documentArgument(document);
  optionsArgument(options, 'fitPolicy: options', { maxSize: () => {}, exact: optional.boolean });
  const maxSize = options?.maxSize ?? MANAGED_POLICY_LIMIT;
  if (!Number.isInteger(maxSize) || maxSize < 200) {
    throw new ConfigurationError(
      `fitPolicy: maxSize must be a whole number of characters, 200 or more; got ${kindOf(maxSize)}.`,
    );
  }
  if (policySize(document) <= maxSize) return { policies: [document], widened: [], fits: true };
  if (options?.exact) return split(document, maxSize);
  let statements = document.Statement;
  let widened: Widening[] = [];
  for (const step of STEPS) {
    const next = widen(document.Statement, step);
    statements = next.statements;
    widened = next.widened;
    if (policySize({ ...document, Statement: statements }) <= maxSize) break;
  }
  const fitted = { ...document, Statement: statements };
  return { policies: [fitted], widened, fits: policySize(fitted) <= maxSize };
}

/** A policy document as `permissions` makes it: statements whose Resource is a string or a list of strings. */
function documentArgument(document: unknown): asserts document is PolicyDocument {
  const statements = isPlainObject(document) ? document.Statement : undefined;
  const valid =
    Array.isArray(statements) &&
    statements.every(
      (s) =>
        isPlainObject(s) &&
        (typeof s.Resource === 'string' ||
          (Array.isArray(s.Resource) && s.Resource.every((r) => typeof r === 'string'))),
    );
  if (!valid)
    refuse(ConfigurationError, 'fitPolicy: document', 'a policy document from permissions()', document);
}

/** The statements with each resource widened by `step`, each pattern once; and the patterns standing for several. */
function widen(statements: readonly PolicyStatement[], step: (arn: string) => string) {
  const counts = new Map<string, Set<string>>();
  const out = statements.map((statement) => {
    if (statement.Resource === '*') return statement;
    const resources = [statement.Resource].flat();
    const patterns = new Map<string, string[]>();
    for (const arn of resources) {
      const pattern = step(arn);
      const arns = patterns.get(pattern);
      if (arns) arns.push(arn);
      else patterns.set(pattern, [arn]);
    }
    // A pattern that stands for one resource only is that resource, as it was.
    const kept = [...patterns].map(([pattern, arns]) => (arns.length > 1 ? pattern : (arns[0] as string)));
    for (const [pattern, arns] of patterns) {
      if (arns.length < 2) continue;
      const named = counts.get(pattern) ?? new Set<string>();
      for (const arn of arns) named.add(arn);
      counts.set(pattern, named);
    }
    const unique = [...new Set(kept)].sort();
    return { ...statement, Resource: unique.length === 1 ? (unique[0] as string) : unique };
  });
  const widened = [...counts].map(([pattern, arns]) => ({ pattern, resources: arns.size }));
  return {
    statements: out,
    widened: widened.sort((a, b) => b.resources - a.resources || (a.pattern < b.pattern ? -1 : 1)),
  };
}

/** `arn:p:s:r:a:` and the resource part of an ARN (the resource part may hold colons). */
function partsOf(arn: string): { scope: string[]; resource: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { scope: parts.slice(0, 5), resource: parts.slice(5).join(':') };
}

/** The ARN's resource cut after its first word (`orders-` of `orders-eu-1`, `role/` of `role/app`), then `*`. */
function byFirstWord(arn: string): string {
  const parts = partsOf(arn);
  if (!parts) return arn;
  const cut = /^[^-_./:$]*[-_./:]/.exec(parts.resource)?.[0];
  return cut === undefined ? arn : `${parts.scope.join(':')}:${cut}*`;
}

/** The ARN's first `keep` fields (partition, service, region, account), the others `*`, or `''` kept empty. */
function byScope(arn: string, keep: number, anyRegion = false): string {
  const parts = partsOf(arn);
  if (!parts) return arn;
  const [arnWord, partition, service, region = '', account = ''] = parts.scope;
  const fields = [arnWord, partition, service, region, account].map((field, i) => {
    if (i < 3) return field;
    if (i === 3) return region === '' ? '' : anyRegion || keep <= 3 ? '*' : region;
    return account === '' ? '' : keep <= 3 ? '*' : account;
  });
  return `${fields.join(':')}:*`;
}

/** Every resource kept: each statement's resources spread over as many policies as `maxSize` takes. */
function split(document: PolicyDocument, maxSize: number): FittedPolicy {
  const policies: PolicyDocument[] = [];
  let current: PolicyStatement[] = [];
  // The policy's size with `part` as its last statement's resources, kept as they are added (one serialization
  // per part, not per resource: a job of many thousand ARNs is split in linear time).
  const opened = (statement: PolicyStatement) =>
    policySize({ ...document, Statement: [...current, partOf(statement, [], policies.length)] });
  for (const statement of document.Statement) {
    let part: string[] = [];
    let size = 0;
    for (const resource of [statement.Resource].flat()) {
      if (part.length === 0) size = opened(statement);
      const grown = size + JSON.stringify(resource).length + (part.length > 0 ? 1 : 0);
      if (grown > maxSize && (part.length > 0 || current.length > 0)) {
        if (part.length > 0) current.push(partOf(statement, part, policies.length));
        policies.push({ ...document, Statement: current });
        current = [];
        part = [];
        size = opened(statement) + JSON.stringify(resource).length;
      } else size = grown;
      part.push(resource);
    }
    if (part.length > 0) {
      current.push(partOf(statement, statement.Resource === '*' ? '*' : part, policies.length));
    }
  }
  if (current.length > 0) policies.push({ ...document, Statement: current });
  return { policies, widened: [], fits: policies.every((p) => policySize(p) <= maxSize) };
}

/** A statement's part in the policy numbered `done + 1`. */
function partOf(statement: PolicyStatement, resources: string | string[], done: number): PolicyStatement {
  return { ...statement, Sid: `${statement.Sid}P${done + 1}`, Resource: resources };
}
