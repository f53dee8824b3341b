// Terraform states: which tags the AWS provider declares for each resource. The provider treats a resource's `tags`,
// merged with the provider's `default_tags` into `tags_all`, as the resource's whole tag set: it removes any other
// key at the next `terraform apply`, unless the provider's `ignore_tags` block covers it. A state does not record
// provider blocks, so the user gives `ignore_tags` (`--terraform-ignore-tags`). Reads a state file (format version 4,
// Terraform 0.12 and later, which is also what the S3 backend stores and `terraform state pull` prints) and the
// JSON of `terraform show -json`. Facts, with links to HashiCorp's documentation, are in docs/iac.md.
import { parseArn } from '../core/arn.js';
import { ConfigurationError, InvalidIacStateError } from '../core/errors.js';
import { newTags } from '../core/shapes.js';
import { textArguments } from './arguments.js';
import type { IacResource, IgnoreTags } from './types.js';

/** What unitag read from one source: the resources it declares, and those it names but unitag cannot use. */
export interface IacRead {
  resources: IacResource[];
  /** Resources left out, each with where the source names it (an address, a URN) and why. */
  skipped: { where: string; why: string }[];
}

/** One resource instance, from either format. */
interface Instance {
  address: string;
  mode: unknown;
  type: string;
  /** `provider["registry.terraform.io/hashicorp/aws"].west` (state file) or `registry.terraform.io/hashicorp/aws`. */
  provider: string;
  attributes: unknown;
  /** An object that `create_before_destroy` left behind: the next apply destroys it. */
  deposed: boolean;
}

const WHAT_TO_DO =
  'give terraform.tfstate of Terraform 0.12 or later (`terraform state pull > terraform.tfstate` prints it from any ' +
  'backend), or run `terraform show -json > state.json`';

/**
 * Reads a Terraform state: a state file (format version 4) or the JSON of `terraform show -json`. Keeps the managed
 * resources of the AWS provider that carry an `arn`; data sources and other providers' resources without an ARN are
 * left out silently, other resources it cannot use are listed in `skipped`. Throws `InvalidIacState`, naming
 * `source`, for text that is not such a document.
 *
 * @example
 * const read = readTerraformState(readFileSync('terraform.tfstate', 'utf8'), 'terraform.tfstate',
 *   parseIgnoreTags(['key_prefixes=kubernetes.io/']));
 * read.resources[0]; // { tool: 'terraform', address: 'aws_sqs_queue.jobs[0]', declared: { team: 'core' }, ... }
 */
export function readTerraformState(text: string, source: string, ignore?: IgnoreTags): IacRead {
  textArguments('readTerraformState', text, source);
  const bad = (list: unknown) => !Array.isArray(list) || !list.every((k) => typeof k === 'string');
  if (
    ignore !== undefined &&
    (typeof ignore !== 'object' || ignore === null || bad(ignore.keys) || bad(ignore.keyPrefixes))
  )
    throw new ConfigurationError(
      'readTerraformState: ignore must be { keys: [...], keyPrefixes: [...] } (parseIgnoreTags gives one)',
    );
  const document = parseJson(text, source);
  const instances =
    isRecord(document) && 'format_version' in document
      ? shownInstances(document, source)
      : stateInstances(document, source);
  const ignores = ignore === undefined ? undefined : ignoreMatcher(ignore);
  const read: IacRead = { resources: [], skipped: [] };
  for (const instance of instances) readInstance(read, instance, source, ignores);
  return read;
}

/**
 * The `--terraform-ignore-tags` values, each `keys=KEY,KEY` or `key_prefixes=PREFIX,PREFIX` as the provider's
 * `ignore_tags` block names them; several values add up. Anything else is a `ConfigurationError`.
 *
 * @example
 * parseIgnoreTags(['keys=LastScanned', 'key_prefixes=kubernetes.io/,team:']);
 * // { keys: ['LastScanned'], keyPrefixes: ['kubernetes.io/', 'team:'] }
 */
export function parseIgnoreTags(args: readonly string[]): IgnoreTags {
  if (!Array.isArray(args)) throw badIgnoreTags(args);
  const ignore: IgnoreTags = { keys: [], keyPrefixes: [] };
  for (const arg of args) {
    const match = typeof arg === 'string' ? /^\s*(keys|key_prefixes)\s*=(.*)$/s.exec(arg) : null;
    if (!match) throw badIgnoreTags(arg);
    const list = match[1] === 'keys' ? ignore.keys : ignore.keyPrefixes;
    // A comma is in no valid tag key, so the list form loses nothing.
    for (const entry of (match[2] ?? '').split(',')) {
      const value = entry.trim();
      // An empty entry, or one pasted from HCL (`["owner"]`, `"owner"`), would ignore nothing: refused.
      if (value === '' || /["'[\]]/.test(value)) throw badIgnoreTags(arg);
      if (!list.includes(value)) list.push(value);
    }
  }
  return ignore;
}

/**
 * Where a state is read from: `s3://bucket/key` (the S3 backend's bucket and key) as its bucket and key; a local
 * path, undefined. Another scheme, or an S3 location without a key, is a `ConfigurationError`.
 */
export function s3Location(location: string): { bucket: string; key: string } | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location);
  if (!scheme) return undefined;
  if (scheme[1]?.toLowerCase() !== 's3') {
    throw new ConfigurationError(
      `${location}: unitag reads a Terraform state from a local file or from S3 (s3://BUCKET/KEY); for another ` +
        'backend, write the state to a file with `terraform state pull > terraform.tfstate`',
    );
  }
  const rest = location.slice(scheme[0].length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  if (bucket === '' || key === '') {
    throw new ConfigurationError(
      `${location}: name the state's object as s3://BUCKET/KEY, the S3 backend's bucket and key ` +
        '(s3://my-states/app/terraform.tfstate; a workspace other than default is under env:/WORKSPACE/KEY)',
    );
  }
  return { bucket, key };
}

/** A key-matching function for `ignore_tags`, or undefined when it names nothing. */
export function ignoreMatcher(ignore: IgnoreTags): ((key: string) => boolean) | undefined {
  const keys = new Set(ignore.keys ?? []);
  const prefixes = [...(ignore.keyPrefixes ?? [])];
  if (keys.size === 0 && prefixes.length === 0) return undefined;
  return (key) => keys.has(key) || prefixes.some((prefix) => key.startsWith(prefix));
}

/** The text as JSON; `InvalidIacState` naming the source when it is not. */
export function parseJson(text: string, source: string, whatToDo = WHAT_TO_DO): unknown {
  try {
    // A byte-order mark (Windows PowerShell's `Out-File -Encoding utf8` writes one) is no part of the document.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    // Windows PowerShell's `>` writes UTF-16, which read as UTF-8 holds a NUL after each ASCII character.
    const utf16 = typeof text === 'string' && text.slice(0, 64).includes('\u0000');
    const hint = utf16 ? '; it looks UTF-16 encoded (Windows PowerShell `>`): write it as UTF-8' : '';
    throw new InvalidIacStateError(`${source} is not JSON (${why}${hint}): ${whatToDo}`, { cause: error });
  }
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a document that is not the expected one holds, for a message: `an object with the keys a, b`. */
export function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'a JSON array';
  if (!isRecord(value)) return value === null ? 'null' : `a JSON ${typeof value}`;
  const keys = Object.keys(value);
  if (keys.length === 0) return 'an empty object';
  const shown = keys.slice(0, 6).map((key) => JSON.stringify(key));
  return `an object with the keys ${shown.join(', ')}${keys.length > 6 ? ', ...' : ''}`;
}

function stateInstances(document: unknown, source: string): Instance[] {
  // A Pulumi stack export has a `version` too (3): said as what it is, not as an old Terraform state.
  const pulumi = isRecord(document) && ('deployment' in document || 'checkpoint' in document);
  if (!isRecord(document) || !('version' in document) || pulumi) {
    throw new InvalidIacStateError(
      `${source} is not a Terraform state: it is ${describeJson(document)}${pulumi ? ' (a Pulumi stack export?)' : ''}; ${WHAT_TO_DO}`,
    );
  }
  const { version } = document;
  if (version !== 4) throw unknownVersion(version, source);
  return listOf(document.resources, 'resources', source).flatMap((resource, i) =>
    resourceInstances(resource, `resources[${i}]`, source),
  );
}

function unknownVersion(version: unknown, source: string): InvalidIacStateError {
  if (typeof version === 'number' && version < 4) {
    return new InvalidIacStateError(
      `${source} is a Terraform state of format version ${version} (Terraform 0.11 or earlier), which unitag does ` +
        'not read: run `terraform show -json > state.json` with Terraform 0.12 or later, or let it rewrite the ' +
        'state (`terraform refresh`)',
    );
  }
  return new InvalidIacStateError(
    `${source} is a Terraform state of format version ${JSON.stringify(version) ?? String(version)}; unitag reads ` +
      `version 4 (Terraform 0.12 and later): ${WHAT_TO_DO}`,
  );
}

/** A state file's resource, as its instances (one, or one per `count` index or `for_each` key). */
function resourceInstances(resource: unknown, at: string, source: string): Instance[] {
  if (!isRecord(resource)) throw malformed(source, `${at} is not an object`);
  const { mode, type, name, provider } = resource;
  const module = resource.module ?? undefined;
  if (typeof type !== 'string' || typeof name !== 'string')
    throw malformed(source, `${at} has no type or name`);
  if (module !== undefined && typeof module !== 'string')
    throw malformed(source, `${at}: "module" is not a string`);
  return listOf(resource.instances, `${at}.instances`, source).map((instance, j) => {
    if (!isRecord(instance)) throw malformed(source, `${at}.instances[${j}] is not an object`);
    const key = instanceKey(instance.index_key, `${at}.instances[${j}].index_key`, source);
    return {
      address: addressOf(module, mode, type, name, key),
      mode,
      type,
      provider: typeof provider === 'string' ? provider : '',
      attributes: instance.attributes,
      deposed: typeof instance.deposed === 'string',
    };
  });
}

/** The resources of `terraform show -json`: the root module's and, recursively, its child modules'. */
function shownInstances(document: Record<string, unknown>, source: string): Instance[] {
  const version = document.format_version;
  if (typeof version !== 'string' || !/^[01]\./.test(version)) {
    throw new InvalidIacStateError(
      `${source}: format_version ${JSON.stringify(version) ?? String(version)} of \`terraform show -json\` is not ` +
        'one unitag reads (0.x and 1.x): run it with Terraform 0.12 or later, or give terraform.tfstate',
    );
  }
  if ('planned_values' in document || 'resource_changes' in document) {
    throw new InvalidIacStateError(
      `${source} is a Terraform plan, not a state: run \`terraform show -json\` without a plan file (the state), ` +
        'or give terraform.tfstate',
    );
  }
  const values = document.values ?? undefined;
  if (values === undefined) return []; // no state yet: nothing declared
  if (!isRecord(values)) throw malformed(source, '"values" is not an object');
  const instances: Instance[] = [];
  const root = values.root_module ?? undefined;
  // Breadth first, by index: the modules in document order, with no recursion however deep they nest.
  const modules: [unknown, string][] = root === undefined ? [] : [[root, 'values.root_module']];
  for (let m = 0; m < modules.length; m++) {
    const [module, at] = modules[m] as [unknown, string];
    if (!isRecord(module)) throw malformed(source, `${at} is not an object`);
    const prefix = typeof module.address === 'string' ? module.address : undefined;
    listOf(module.resources, `${at}.resources`, source).forEach((resource, i) => {
      instances.push(shownInstance(resource, prefix, `${at}.resources[${i}]`, source));
    });
    listOf(module.child_modules, `${at}.child_modules`, source).forEach((child, i) => {
      modules.push([child, `${at}.child_modules[${i}]`]);
    });
  }
  return instances;
}

function shownInstance(resource: unknown, module: string | undefined, at: string, source: string): Instance {
  if (!isRecord(resource)) throw malformed(source, `${at} is not an object`);
  const { mode, type, name, address } = resource;
  if (typeof type !== 'string' || typeof name !== 'string')
    throw malformed(source, `${at} has no type or name`);
  const key = instanceKey(resource.index, `${at}.index`, source);
  return {
    address: typeof address === 'string' ? address : addressOf(module, mode, type, name, key),
    mode,
    type,
    provider: typeof resource.provider_name === 'string' ? resource.provider_name : '',
    attributes: resource.values,
    deposed: typeof resource.deposed_key === 'string',
  };
}

function instanceKey(key: unknown, at: string, source: string): string | number | undefined {
  if (key === undefined || key === null) return undefined;
  if (typeof key !== 'string' && typeof key !== 'number')
    throw malformed(source, `${at} is not a number or string`);
  return key;
}

/** The address as Terraform prints it: `module.app.aws_sns_topic.orders["eu"]`, `aws_sqs_queue.jobs[0]`. */
function addressOf(
  module: string | undefined,
  mode: unknown,
  type: string,
  name: string,
  key: string | number | undefined,
): string {
  const scope = module ? `${module}.` : '';
  const kind = mode === 'data' ? 'data.' : '';
  return `${scope}${kind}${type}.${name}${key === undefined ? '' : `[${JSON.stringify(key)}]`}`;
}

function readInstance(
  read: IacRead,
  instance: Instance,
  source: string,
  ignores: ((key: string) => boolean) | undefined,
): void {
  // Data sources read what exists and never write it.
  if (instance.mode !== 'managed') return;
  const { address } = instance;
  const attributes = instance.attributes ?? {};
  if (!isRecord(attributes)) throw malformed(source, `${address}: its attributes are not an object`);
  const arn = attributes.arn;
  const provider = providerName(instance.provider);
  if (!/(^|\/)hashicorp\/aws$/.test(provider) && !instance.type.startsWith('aws_')) {
    // A resource of another provider (awscc, random) that names an AWS resource: said, since it may manage its tags.
    const why = `its provider is ${provider || 'not named'}, not hashicorp/aws: unitag does not know how it treats tags`;
    if (isArn(arn)) read.skipped.push({ where: address, why });
    return;
  }
  const why = skipReason(instance, attributes);
  if (why !== undefined) {
    read.skipped.push({ where: address, why });
    return;
  }
  const declared = declaredTags(attributes, address, source);
  read.resources.push({
    tool: 'terraform',
    arn: arn as string,
    address,
    source,
    declared,
    authority: 'whole',
    ignores,
  });
}

function skipReason(instance: Instance, attributes: Record<string, unknown>): string | undefined {
  const { arn } = attributes;
  if (instance.deposed) return 'a deposed object (create_before_destroy left it): the next apply destroys it';
  if (typeof arn !== 'string') return 'no arn attribute: unitag names resources by ARN';
  if (!isArn(arn)) return `its arn attribute ${JSON.stringify(arn)} is not an ARN`;
  // A state holds every attribute of the type's schema, null when unset: no `tags` at all is a type without them.
  if (!['tags', 'tags_all', 'tag'].some((name) => Object.hasOwn(attributes, name))) {
    return `the type ${instance.type} has no tags argument: Terraform does not manage its tags`;
  }
  return undefined;
}

/** `tags_all` (tags and the provider's default_tags), else `tags`, else an Auto Scaling group's `tag` blocks. */
function declaredTags(
  attributes: Record<string, unknown>,
  address: string,
  source: string,
): IacResource['declared'] {
  const declared = newTags();
  const all = attributes.tags_all ?? undefined;
  const map = all !== undefined ? all : (attributes.tags ?? undefined);
  if (map === undefined && Array.isArray(attributes.tag)) return groupTags(attributes.tag, address, source);
  if (map === undefined) return declared;
  if (!isRecord(map)) throw malformed(source, `${address}: its tags are not a map`);
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string')
      throw malformed(source, `${address}: the value of its tag ${JSON.stringify(key)} is not a string`);
    declared[key] = value;
  }
  return declared;
}

/** `aws_autoscaling_group`'s tags: `tag` blocks of key, value and propagate_at_launch. */
function groupTags(blocks: unknown[], address: string, source: string): IacResource['declared'] {
  const declared = newTags();
  for (const block of blocks) {
    if (!isRecord(block) || typeof block.key !== 'string' || typeof block.value !== 'string') {
      throw malformed(source, `${address}: a tag block without its key and value strings`);
    }
    declared[block.key] = block.value;
  }
  return declared;
}

/** `registry.terraform.io/hashicorp/aws` from `provider["registry.terraform.io/hashicorp/aws"].west`. */
function providerName(provider: string): string {
  return /provider\["([^"]+)"\]/.exec(provider)?.[1] ?? provider;
}

function isArn(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    parseArn(value);
    return true;
  } catch {
    return false;
  }
}

/** An optional list of the document: missing or null is none; anything but an array, `InvalidIacState`. */
function listOf(value: unknown, at: string, source: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw malformed(source, `${at} is not a list`);
  return value;
}

function malformed(source: string, what: string): InvalidIacStateError {
  return new InvalidIacStateError(
    `${source}: ${what}, which no Terraform state holds (a file cut short, or edited by hand?): ${WHAT_TO_DO}`,
  );
}

function badIgnoreTags(arg: unknown): ConfigurationError {
  const shown =
    typeof arg === 'string' ? JSON.stringify(arg) : `a ${Array.isArray(arg) ? 'list' : typeof arg}`;
  return new ConfigurationError(
    `--terraform-ignore-tags ${shown}: write keys=KEY,KEY or key_prefixes=PREFIX,PREFIX (no quotes, brackets or empty entries), as the AWS provider's ` +
      'ignore_tags block names them (--terraform-ignore-tags keys=LastScanned --terraform-ignore-tags key_prefixes=kubernetes.io/)',
  );
}
