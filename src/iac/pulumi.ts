// Pulumi stack exports: which tags Pulumi's AWS provider declares for each resource. The provider is built on
// Terraform's and treats tags the same way: `tags`, merged with the provider's `defaultTags` into `tagsAll`, is the
// resource's whole tag set, and another key is removed at the next `pulumi up` unless the provider's `ignoreTags`
// covers it. Unlike a Terraform state, a stack export records each provider's configuration, `ignoreTags` included.
// Reads `pulumi stack export` (version 3) and the checkpoint file a self-managed backend (S3, a folder) stores.
// Facts, with links to Pulumi's documentation, are in docs/iac.md.
import { parseArn } from '../core/arn.js';
import { InvalidIacStateError } from '../core/errors.js';
import { newTags } from '../core/shapes.js';
import { textArguments } from './arguments.js';
import { describeJson, type IacRead, ignoreMatcher, isRecord, parseJson } from './terraform.js';
import type { IacResource } from './types.js';

/** The key that marks a special value in Pulumi's state (`specialSigKey` in Pulumi's SDK)... */
const SIGNATURE_KEY = '4dabf18193072939515e22adb298388d';
/** ...and its value for a secret (`specialSecretSig`). */
const SECRET_SIGNATURE = '1b47061264138c4ac30d75fd1eb44270';
/** A secret whose value the export does not hold (only its ciphertext). */
const HIDDEN: unique symbol = Symbol('hidden secret');

const WHAT_TO_DO = 'run `pulumi stack export --file stack.json` with Pulumi 3';

type Ignores = ((key: string) => boolean) | undefined;

/**
 * Reads a Pulumi stack export: keeps the AWS provider's resources (types `aws:...`) that carry an `arn` output;
 * other packages' resources, components and resources read with `.get()` are left out silently, other resources it
 * cannot use are listed in `skipped`. A tag value held as a secret is declared with an unknown value (undefined);
 * a tag map held as one secret leaves the resource out. Throws `InvalidIacState`, naming `source`, for text that is
 * not such a document.
 *
 * @example
 * const read = readPulumiExport(execSync('pulumi stack export', { encoding: 'utf8' }), 'stack dev');
 * read.resources[0]; // { tool: 'pulumi', urn: 'urn:pulumi:dev::shop::aws:sns/topic:Topic::orders', ... }
 */
export function readPulumiExport(text: string, source: string): IacRead {
  textArguments('readPulumiExport', text, source);
  const deployment = deploymentOf(parseJson(text, source, WHAT_TO_DO), source);
  const resources = deployment.resources ?? [];
  if (!Array.isArray(resources)) throw malformed(source, 'deployment.resources is not a list');
  const checked = resources.map((resource, i) =>
    checkedResource(resource, `deployment.resources[${i}]`, source),
  );
  const ignoresByProvider = providerIgnores(checked);
  const read: IacRead = { resources: [], skipped: [] };
  for (const resource of checked) readResource(read, resource, source, ignoresByProvider);
  return read;
}

type Resource = Record<string, unknown> & { urn: string; type: string };

/** The deployment: `deployment` of `pulumi stack export`, or `checkpoint.latest` of a backend's stack file. */
function deploymentOf(document: unknown, source: string): Record<string, unknown> {
  if (!isRecord(document) || !('deployment' in document || 'checkpoint' in document)) {
    const terraform = isRecord(document) && ('format_version' in document || 'terraform_version' in document);
    throw new InvalidIacStateError(
      `${source} is not a Pulumi stack export: it is ${describeJson(document)}${terraform ? ' (a Terraform state?)' : ''}; ${WHAT_TO_DO}`,
    );
  }
  const { version } = document;
  if (version !== 3) {
    throw new InvalidIacStateError(
      `${source} is a Pulumi stack export of version ${JSON.stringify(version) ?? String(version)}; unitag reads ` +
        `version 3: ${WHAT_TO_DO}`,
    );
  }
  if ('checkpoint' in document) {
    if (!isRecord(document.checkpoint)) throw malformed(source, '"checkpoint" is not an object');
    // A stack that was never deployed, or was destroyed, has no latest deployment.
    const latest = document.checkpoint.latest ?? {};
    if (!isRecord(latest)) throw malformed(source, 'checkpoint.latest is not an object');
    return latest;
  }
  if (!isRecord(document.deployment)) throw malformed(source, '"deployment" is not an object');
  return document.deployment;
}

function checkedResource(resource: unknown, at: string, source: string): Resource {
  if (!isRecord(resource) || typeof resource.urn !== 'string' || typeof resource.type !== 'string') {
    throw malformed(source, `${at} is not a resource with a urn and a type`);
  }
  return resource as Resource;
}

/**
 * Each AWS provider's `ignoreTags`, by the reference its resources give (`provider`: the provider's URN and id).
 * Provider inputs are configuration values, which Pulumi records as JSON text when they are objects.
 */
function providerIgnores(resources: Resource[]): Map<string, Ignores> {
  const byReference = new Map<string, Ignores>();
  for (const resource of resources) {
    if (resource.type !== 'pulumi:providers:aws' || typeof resource.id !== 'string') continue;
    const inputs = isRecord(resource.inputs) ? resource.inputs : {};
    let config = reveal(inputs.ignoreTags);
    if (typeof config === 'string') config = parsedOrUndefined(config);
    if (!isRecord(config)) continue;
    const strings = (value: unknown) =>
      Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
    const ignores = ignoreMatcher({ keys: strings(config.keys), keyPrefixes: strings(config.keyPrefixes) });
    byReference.set(`${resource.urn}::${resource.id}`, ignores);
  }
  return byReference;
}

function readResource(
  read: IacRead,
  resource: Resource,
  source: string,
  ignores: Map<string, Ignores>,
): void {
  // Other packages, the providers themselves (`pulumi:providers:aws`), components, and resources a program reads
  // with `.get()` (external: Pulumi never writes them).
  if (!resource.type.startsWith('aws:') || resource.custom !== true || resource.external === true) return;
  const { urn } = resource;
  const outputs = resource.outputs ?? {};
  if (!isRecord(outputs)) throw malformed(source, `${urn}: its outputs are not an object`);
  // A secret's plaintext (an export made with --show-secrets) is the ARN it holds.
  const arn = reveal(outputs.arn);
  const tags = reveal(outputs.tagsAll ?? outputs.tags ?? null);
  const why = skipReason(resource, outputs, arn, tags);
  if (why !== undefined) {
    read.skipped.push({ where: urn, why });
    return;
  }
  read.resources.push({
    tool: 'pulumi',
    arn: arn as string,
    urn,
    source,
    declared: declaredTags(tags, urn, source),
    authority: 'whole',
    ignores: typeof resource.provider === 'string' ? ignores.get(resource.provider) : undefined,
  });
}

function skipReason(
  resource: Resource,
  outputs: Record<string, unknown>,
  arn: unknown,
  tags: unknown,
): string | undefined {
  if (resource.delete === true) return 'an old copy, replaced, that the next pulumi up deletes';
  if (arn === HIDDEN) return 'its arn output is a secret, which the export holds encrypted';
  if (typeof arn !== 'string') return 'no arn output: unitag names resources by ARN';
  if (!isArn(arn)) return `its arn output ${JSON.stringify(arn)} is not an ARN`;
  if (!Object.hasOwn(outputs, 'tags') && !Object.hasOwn(outputs, 'tagsAll')) {
    return `the type ${resource.type} has no tags output: Pulumi does not manage its tags`;
  }
  if (tags === HIDDEN) {
    return 'its tags are one secret, which the export holds encrypted: run `pulumi stack export --show-secrets`';
  }
  return undefined;
}

function declaredTags(tags: unknown, urn: string, source: string): IacResource['declared'] {
  const declared: IacResource['declared'] = newTags();
  if (tags === null) return declared;
  if (!isRecord(tags)) throw malformed(source, `${urn}: its tags are not a map`);
  for (const [key, value] of Object.entries(tags)) {
    const revealed = reveal(value);
    // A secret value: the key is declared, its value unknown.
    if (revealed === HIDDEN) declared[key] = undefined;
    else if (typeof revealed === 'string') declared[key] = revealed;
    else throw malformed(source, `${urn}: the value of its tag ${JSON.stringify(key)} is not a string`);
  }
  return declared;
}

/**
 * A value with its secret wrapper taken off: the plaintext of an export made with `--show-secrets` (JSON text of
 * the value), {@link HIDDEN} for a secret held encrypted, anything else as it is.
 */
function reveal(value: unknown): unknown {
  if (!isRecord(value) || value[SIGNATURE_KEY] !== SECRET_SIGNATURE) return value;
  if (typeof value.plaintext !== 'string') return HIDDEN;
  const plain = parsedOrUndefined(value.plaintext);
  return plain === undefined ? HIDDEN : plain;
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isArn(value: string): boolean {
  try {
    parseArn(value);
    return true;
  } catch {
    return false;
  }
}

function malformed(source: string, what: string): InvalidIacStateError {
  return new InvalidIacStateError(
    `${source}: ${what}, which no Pulumi stack export holds (a file cut short, or edited by hand?): ${WHAT_TO_DO}`,
  );
}
