import type { Engine } from '../core/engine.js';
import { ConfigurationError, UnsupportedResourceError } from '../core/errors.js';
import type { TaggingApiPolicy } from '../core/tagging-api-policy.js';
import type { Permissions } from '../core/types.js';
import type { Change } from '../jobs/plan-change.js';
import { actionsOf, bulkActionsOf, noServiceAction, unknownServiceActions } from './explain.js';
import { actionInfo } from './iam-data.js';

/** What unitag will do to one resource: the operations a policy must allow for it. */
export interface PermissionRequest {
  arn: string;
  /** S3 objects only: a version (its tagging has actions of its own). */
  versionId?: string | undefined;
  /** `tag`, `untag`, `list`: what will be done. */
  operations: readonly (keyof Permissions)[];
}

/** An IAM policy statement as `permissions` writes it: Allow, exact actions, exact resources. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
}

/** An IAM identity policy document. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Options of {@link permissionsPolicy}. */
export interface PermissionsOptions {
  /** The work is bulk (tagMany, plan, apply): resources the tagging API serves need its actions too. */
  bulk: boolean;
}

/**
 * The least-privilege IAM policy for `requests`: for each resource exactly the actions unitag's calls need, on
 * that resource's ARN; actions AWS authorizes only on `"*"` (ec2:DescribeTags, the tagging API's, STS's) in one
 * statement of their own. Resources that need the same actions share a statement. No AWS call.
 */
export async function permissionsPolicy(
  engine: Engine,
  policy: TaggingApiPolicy,
  requests: readonly PermissionRequest[],
  { bulk }: PermissionsOptions,
): Promise<PolicyDocument> {
  const anywhere = new Set<string>();
  const byResource = new Map<string, Set<string>>();
  for (const request of requests) {
    const target = engine.resolve(request.arn);
    const operations = checkedOperations(request);
    const options = { versionId: request.versionId };
    const actions =
      bulk && policy.routes(target) ? await bulkActionsOf(target, options) : await actionsOf(target, options);
    // A write the policy could not allow is refused, never printed as a policy that would fail at run time.
    if (operations.some((o) => o !== 'list') && unknownServiceActions(target, actions)) {
      throw new UnsupportedResourceError(noServiceAction(target), { arn: target.arn });
    }
    const resource = policyResource(target.info.policyArn ?? target.parsed.arn);
    for (const name of new Set(operations.flatMap((operation) => actions[operation]))) {
      const info = await actionInfo(name);
      // Every action unitag names is in AWS's reference: a test holds it there; a miss is unitag's bug.
      if (!info) throw new UnsupportedResourceError(`${name} is not in AWS's IAM reference.`);
      const action = `${info.service}:${info.name}`;
      if (info.wildcardOnly) anywhere.add(action);
      else {
        const set = byResource.get(resource) ?? new Set<string>();
        byResource.set(resource, set.add(action));
      }
    }
  }
  return { Version: '2012-10-17', Statement: statements(anywhere, byResource) };
}

const OPERATIONS: ReadonlySet<string> = new Set(['tag', 'untag', 'list']);

// The operations of a request, each one of tag, untag and list (a caller's typo is said, not a TypeError).
function checkedOperations(request: PermissionRequest): (keyof Permissions)[] {
  const wrong = request.operations.filter((o) => !OPERATIONS.has(o));
  if (wrong.length > 0 || request.operations.length === 0) {
    throw new ConfigurationError(
      `permissions: the operations of ${request.arn} must be some of tag, untag and list, not ${JSON.stringify(request.operations)}.`,
    );
  }
  return [...new Set(request.operations)];
}

/** The operations a job's change needs: its reads (a plan reads every resource first) and its writes. */
export function requestsOfChange(change: Change): PermissionRequest[] {
  const operations = new Set<keyof Permissions>(['list']);
  if (change.set || change.setIfAbsent || change.copyFrom || change.rename) operations.add('tag');
  if (change.remove || change.rename) operations.add('untag');
  const requests: PermissionRequest[] = [
    { arn: change.arn, versionId: change.versionId, operations: [...operations] },
  ];
  const source = typeof change.copyFrom === 'string' ? change.copyFrom : change.copyFrom?.arn;
  if (source !== undefined) requests.push({ arn: source, operations: ['list'] });
  return requests;
}

/** Characters over this many in a managed policy (whitespace aside) are more than IAM accepts. */
export const MANAGED_POLICY_LIMIT = 6144;

/** The size IAM counts for a policy document: its JSON without whitespace. */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}

// Resources with the same actions share a statement; each statement's lists are sorted, so that the same job
// always gives the same document.
function statements(anywhere: Set<string>, byResource: Map<string, Set<string>>): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  if (anywhere.size > 0) {
    out.push({ Sid: 'UnitagAnyResource', Effect: 'Allow', Action: [...anywhere].sort(), Resource: '*' });
  }
  const groups = new Map<string, { actions: string[]; resources: string[] }>();
  for (const [resource, actions] of byResource) {
    const sorted = [...actions].sort();
    const key = sorted.join(' ');
    const group = groups.get(key) ?? { actions: sorted, resources: [] };
    group.resources.push(resource);
    groups.set(key, group);
  }
  const sortedGroups = [...groups.values()].sort((a, b) => a.actions.join().localeCompare(b.actions.join()));
  for (const [i, { actions, resources }] of sortedGroups.entries()) {
    resources.sort();
    out.push({
      Sid: `UnitagResources${i + 1}`,
      Effect: 'Allow',
      Action: actions,
      Resource: resources.length === 1 ? (resources[0] as string) : resources,
    });
  }
  return out;
}

// In a policy's Resource, `*` and `?` are wildcards and `${...}` a variable: an S3 key (or any name) that
// carries them is written with IAM's escapes `${*}`, `${?}` and `${$}`, so that it names that resource alone.
function policyResource(arn: string): string {
  return arn.replace(/[*?$]/g, (c) => `\${${c}}`);
}
