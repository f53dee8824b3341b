import type { Engine } from '../core/engine.js';
import { UnsupportedResourceError } from '../core/errors.js';
import type { TaggingApiPolicy } from '../core/tagging-api-policy.js';
import type { Permissions, Target } from '../core/types.js';
import { type AbacException, exceptionsFor } from './abac-exceptions.js';
import {
  type ActionInfo,
  actionInfo,
  expandAction,
  iamDataVersion,
  resourceTypeInfo,
  resourceTypeOfArn,
} from './iam-data.js';

/** What unitag knows about tagging one resource, and how AWS's ABAC treats it. No AWS call. */
export interface Explanation {
  /** The ARN as given. */
  arn: string;
  /** unitag's type name: `sns:topic`, `s3:object`, `dynamodb:table`. */
  type: string;
  /** The adapter that serves it: the service's own, or `tagging-api`. */
  adapter: string;
  /** The resource type in AWS's IAM reference, and its ARN format; undefined where the reference has none. */
  iamResourceType?: { name: string; arnFormat: string } | undefined;
  /** The IAM actions `tag`, `untag` and `list` of this one resource need (the calls unitag makes). */
  actions: Permissions;
  /**
   * The IAM actions bulk work (tagMany, plan, apply) needs: the tagging API's actions with the service's own,
   * since each resource falls back to its own adapter where the tagging API refuses it. Undefined where bulk
   * work uses the adapter alone.
   */
  bulkActions?: Permissions | undefined;
  /** ABAC: the condition keys that govern access by the resource's tags, and those that govern tag writes. */
  abac: {
    /** True where some condition key reads the resource's tags (see `exceptions` for the fine print). */
    supported: boolean;
    /** Keys that test the tags the resource carries: `aws:ResourceTag/${TagKey}`, `s3:ExistingObjectTag/<key>`. */
    resourceKeys: string[];
    /** Keys that test the tags a write sets or removes: `aws:RequestTag/${TagKey}`, `aws:TagKeys`. */
    requestKeys: string[];
  };
  /** Keys that differ only by case are one key (IAM users and roles). */
  caseInsensitiveKeys: boolean;
  /** Every write replaces the whole set (S3): unitag reads, merges and writes it back. */
  replacesWholeSet: boolean;
  /** Most user tags the resource may carry. */
  maxTags: number;
  /** Documented exceptions that concern this type, each with its AWS source. */
  exceptions: AbacException[];
  /** What unitag could not work out (a service tagging action AWS's reference does not name), in words. */
  warnings: string[];
  /** The version of the IAM reference data the answer comes from. */
  iamDataVersion: string;
}

/** Explains one ARN (see {@link Explanation}); throws `InvalidArn` / `UnsupportedResource` as `tag` would. */
export async function explain(engine: Engine, policy: TaggingApiPolicy, arn: string): Promise<Explanation> {
  const target = engine.resolve(arn);
  const [iamType, actions, version] = await Promise.all([
    resourceTypeOfArn(target.parsed.arn),
    actionsOf(target, {}),
    iamDataVersion(),
  ]);
  const bulkActions = policy.routes(target) ? await bulkActionsOf(target, {}) : undefined;
  const abac = await abacKeys(target, actions, iamType?.name);
  const warnings = unknownServiceActions(target, actions) ? [noServiceAction(target)] : [];
  return {
    arn,
    type: target.info.type,
    adapter: target.adapter.name,
    iamResourceType: iamType && { name: iamType.name, arnFormat: iamType.arn },
    actions,
    bulkActions,
    abac: { supported: abac.resourceKeys.length > 0, ...abac },
    caseInsensitiveKeys: target.info.rules.caseInsensitiveKeys,
    replacesWholeSet: target.info.replacesWholeSet === true,
    maxTags: target.info.rules.maxTags,
    exceptions: exceptionsFor(target.info.type, bulkActions !== undefined),
    iamDataVersion: version,
    warnings,
  };
}

/**
 * The IAM actions one resource's own calls need. Through the tagging-API fallback: its actions plus the
 * service's own tagging actions for that resource type (AWS requires both), found in AWS's IAM reference.
 */
export async function actionsOf(target: Target, options: { versionId?: string }): Promise<Permissions> {
  const own = target.adapter.permissions?.(target.parsed, options);
  if (!own) throw new UnsupportedResourceError(`unitag cannot say which calls ${target.arn} needs.`);
  if (target.adapter.name !== 'tagging-api') return own;
  const service = await serviceTaggingActions(target.parsed.service, target.parsed.arn);
  return { tag: [...own.tag, ...service.tag], untag: [...own.untag, ...service.untag], list: own.list };
}

/** True where a write through the tagging API needs a service action that AWS's reference does not name. */
export function unknownServiceActions(target: Target, actions: Permissions): boolean {
  const service = `${target.parsed.service}:`;
  const named = (list: string[]) => list.some((a) => a.startsWith(service));
  return target.adapter.name === 'tagging-api' && (!named(actions.tag) || !named(actions.untag));
}

/** Why no policy can be written for such a resource, and what to do. */
export function noServiceAction(target: Target): string {
  return (
    `AWS's IAM reference names no ${target.parsed.service} action that tags or untags ${target.arn}, and ` +
    `the tagging API needs one besides tag:TagResources: check that the resource can be tagged, and grant ` +
    `the service's own tagging action on it.`
  );
}

/** The actions bulk work needs for a resource the tagging API serves first (see `Explanation.bulkActions`). */
export async function bulkActionsOf(target: Target, options: { versionId?: string }): Promise<Permissions> {
  const own = await actionsOf(target, options);
  const join = (api: string, rest: string[]) => [...new Set([api, ...rest])];
  return {
    tag: join('tag:TagResources', own.tag),
    untag: join('tag:UntagResources', own.untag),
    list: join('tag:GetResources', own.list),
  };
}

// A service's tagging actions (access level "Tagging") that act on the ARN's resource type: `TagResource` and
// the like set tags, `UntagResource`/`Remove...`/`Delete...` remove them.
async function serviceTaggingActions(
  service: string,
  arn: string,
): Promise<{ tag: string[]; untag: string[] }> {
  const type = await resourceTypeOfArn(arn);
  const found = { tag: [] as string[], untag: [] as string[] };
  if (!type) return found;
  for (const name of await expandAction(`${service}:*`)) {
    const action = await actionInfo(name);
    if (!action?.accessLevel.includes('Tagging')) continue;
    if (!action.resourceTypes.some((r) => r.name === type.name)) continue;
    const removes = /^(Untag|Remove|Delete)/.test(action.name);
    (removes ? found.untag : found.tag).push(`${action.service}:${action.name}`);
  }
  return found;
}

// Tag condition keys: a tag's key follows a `/` after `...Tag` or `...-tag` (`aws:ResourceTag/${TagKey}`,
// `s3:ExistingObjectTag/<key>`, `rds:db-tag/...`, `rds:req-tag/...`), or the key lists a request's tag keys
// (`aws:TagKeys`, `s3:RequestObjectTagKeys`). Request keys name the request; the others read the resource.
const TAG_KEY = /^[^:/]+:[^/]*tag\/|^[^:/]+:[^/]*TagKeys$/i;
const REQUEST_KEY = /^[^:/]+:(Request[^/]*|req-[^/]*)tag\/|TagKeys$/i;

async function abacKeys(target: Target, actions: Permissions, iamType: string | undefined) {
  const resource = new Set<string>();
  const request = new Set<string>();
  const add = (key: string) => {
    if (TAG_KEY.test(key)) (REQUEST_KEY.test(key) ? request : resource).add(key);
  };
  const service = target.parsed.service;
  const type = iamType ? await resourceTypeInfo(service, iamType) : undefined;
  for (const key of type?.conditionKeys ?? []) add(key);
  const ownActions = [...actions.tag, ...actions.untag, ...actions.list].filter((a) =>
    a.startsWith(`${service}:`),
  );
  for (const name of new Set(ownActions)) {
    const action: ActionInfo | undefined = await actionInfo(name);
    for (const key of action?.conditionKeys ?? []) add(key);
    for (const r of action?.resourceTypes ?? []) if (r.name === iamType) r.conditionKeys.forEach(add);
  }
  return { resourceKeys: [...resource].sort(), requestKeys: [...request].sort() };
}
