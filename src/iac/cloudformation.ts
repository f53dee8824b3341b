// Which CloudFormation stack manages a resource, and the tags the stack sets on it at each update: the template's
// tags for the resource and the stack's own tags, which CloudFormation propagates to what it creates. Read through
// the CloudFormation API (an optional peer dependency), each account and region's stacks once a run. Facts, with
// links to AWS's documentation, are in docs/iac.md.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import pLimit from 'p-limit';
import { arnService, parseArn, partitionOfRegion } from '../core/arn.js';
import { awsErrorName, isAbortError, malformed, toUnitagError } from '../core/aws-errors.js';
import { abortable, type ClientCache } from '../core/clients.js';
import { once } from '../core/collections.js';
import { ClientMissingError, ConfigurationError, createError, type UnitagError } from '../core/errors.js';
import { type CommandSender, listEntries, listMember, stringMember } from '../core/kit.js';
import { sdkPackage } from '../core/sdk-package.js';
import { fromTagList, newTags, type TagPair } from '../core/shapes.js';
import type { ClientLoader, Tags } from '../core/types.js';
import { arnOfPhysicalId } from './cloudformation-arns.js';
import { readTemplate, type TemplateResource } from './cloudformation-template.js';
import { matchKey } from './sources.js';
import type { IacResource } from './types.js';

export { arnOfPhysicalId } from './cloudformation-arns.js';

/** The CloudFormation client of a region and account (`''`: the account the run's own credentials act in). */
export type CloudFormationClientFactory = (
  region: string,
  account: string,
) => CommandSender | Promise<CommandSender>;

/** What a {@link CloudFormationIndex} reads with. */
export interface CloudFormationIndexOptions {
  /** The client of each region and account whose stacks are read: unitag's own, see {@link cloudFormationClients}. */
  clients: CloudFormationClientFactory;
  /** The regions whose stacks may hold a resource whose ARN names none (S3 buckets, IAM roles and users). */
  regions: readonly string[];
  /** The account of ARNs that name none (S3 buckets). Default `''`: the one the credentials act in. */
  account?: string | undefined;
  /** Ends every call of the index: its lookups then fail with `Aborted`. */
  signal?: AbortSignal | undefined;
}

/** A resource a stack manages, as {@link CloudFormationIndex.lookup} finds it. */
export interface CloudFormationResource extends IacResource {
  tool: 'cloudformation';
  stack: string;
  logicalId: string;
  /**
   * The template gives the resource's tags by a function (`Tags: !If [...]`), so which keys it sets is unknown:
   * `declared` then holds the stack's tags only, and the stack may set any other key too.
   */
  tagsUnknown: boolean;
}

const PACKAGE = '@aws-sdk/client-cloudformation';
type Sdk = typeof import('@aws-sdk/client-cloudformation');

const sdk = once(async (): Promise<Sdk> => {
  try {
    return await sdkPackage<Sdk>(PACKAGE);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new ClientMissingError(
      `${PACKAGE} is not installed: unitag reads CloudFormation stacks with it. \`npm install ${PACKAGE}\` beside unitag.`,
      { service: 'cloudformation', packageName: PACKAGE },
    );
  }
});

const OPERATIONS = ['ListStacks', 'DescribeStacks', 'ListStackResources', 'GetTemplate'];
const loader: ClientLoader<CloudFormationClient> = {
  id: 'cloudformation',
  create: async (config) => new (await sdk()).CloudFormationClient(config),
  // Query protocol: each answer is <OperationResponse>. A stray answer must never read as "no stack manages it".
  reads: Object.fromEntries(OPERATIONS.map((op) => [`${op}Command`, { xml: `${op}Response` }])),
  // ListStacks lists the credentials' own account: the ARNs built from its answer must be of the account asked.
  namesWithoutAccount: true,
};

/** unitag's clients (its endpoint, credentials per account, timeouts and rates) as the index's client factory. */
export function cloudFormationClients(cache: ClientCache, signal?: AbortSignal): CloudFormationClientFactory {
  return (region, account) =>
    cache.get(loader, { partition: partitionOfRegion(region), region, account }, signal);
}

/** Where a stack is: its ARN's fields, and the account its client is asked for. */
interface Stack {
  id: string;
  name: string;
  region: string;
  account: string;
  partition: string;
  /** The account the client factory is called with ('' for the credentials' own). */
  via: string;
}

interface StackResource {
  logicalId: string;
  /** The match key of the resource's ARN, where its type's physical id gives one. */
  key: string | undefined;
}

interface StackDetail {
  deleted: boolean;
  tags: Tags;
  template: Map<string, TemplateResource>;
}

/** Resource statuses of what a stack no longer manages (deleted, or retained at its deletion). */
const GONE = new Set(['DELETE_COMPLETE', 'DELETE_SKIPPED']);
/** Stacks' ListStackResources at once: CloudFormation's API quotas are low, and the SDK retries what it throttles. */
const READS_AT_ONCE = 4;
const NOTE =
  'unitag reads CloudFormation stacks with cloudformation:ListStacks, DescribeStacks, ListStackResources and ' +
  'GetTemplate: allow them, or run without the CloudFormation check.';

/**
 * Finds the stack that manages a resource, by its ARN, reading each account and region's stacks once: ListStacks
 * (every stack but deleted ones) and ListStackResources of each, the first time an ARN of that scope is looked up;
 * DescribeStacks (the stack's tags) and GetTemplate (its tags for each resource) of a stack the first time one of
 * its resources is found. A resource whose live tags carry `aws:cloudformation:stack-id` and `logical-id` (AWS adds
 * them; LocalStack does not) is looked up in that stack alone.
 */
export class CloudFormationIndex {
  readonly #options: CloudFormationIndexOptions;
  readonly #clients = new Map<string, Promise<CommandSender>>();
  readonly #scopes = new Map<string, Promise<Map<string, { stack: Stack; logicalId: string }>>>();
  readonly #resources = new Map<string, Promise<StackResource[]>>();
  readonly #details = new Map<string, Promise<StackDetail>>();

  constructor(options: CloudFormationIndexOptions) {
    if (!Array.isArray(options?.regions) || options.regions.length === 0) {
      throw new ConfigurationError('CloudFormationIndex: regions must name at least one region.');
    }
    this.#options = options;
  }

  /**
   * The stack that manages the resource and the tags it declares for it, or undefined when no stack of its
   * account and region (or, for an ARN without them, of the index's) manages it. `liveTags`: the resource's tags,
   * when read. Errors (access denied, throttling) are thrown as `UnitagError`s, never read as "not managed".
   */
  async lookup(
    arn: string,
    liveTags?: Readonly<Record<string, string>>,
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<CloudFormationResource | undefined> {
    try {
      options.signal?.throwIfAborted();
      return await abortable(this.#find(arn, liveTags), options.signal);
    } catch (error) {
      throw explained(toUnitagError(error, { arn, service: 'cloudformation' }));
    }
  }

  async #find(arn: string, liveTags: Readonly<Record<string, string>> | undefined) {
    const parsed = parseArn(arn);
    if (parsed.accountId !== '' && !/^\d{12}$/.test(parsed.accountId)) return undefined; // AWS managed
    const key = keyOf(arn);
    const tagged = stackOfTags(liveTags);
    if (tagged) {
      const entry = (await this.#stackResources(tagged.stack)).find((r) => r.logicalId === tagged.logicalId);
      // A key unknown for its type: the tags AWS wrote say it. Else the stack must hold this very resource (one
      // retained at an update, and replaced, keeps its tags); if it does not, the scan below decides.
      if (entry && (entry.key === undefined || entry.key === key)) {
        const found = await this.#resource(arn, tagged.stack, tagged.logicalId);
        if (found) return found;
      }
    }
    for (const region of parsed.region ? [parsed.region] : this.#options.regions) {
      const index = await this.#scope(region, parsed.accountId || (this.#options.account ?? ''));
      const hit = index.get(key);
      if (hit) return this.#resource(arn, hit.stack, hit.logicalId);
    }
    return undefined;
  }

  /** The resource as the stack declares it: the stack's tags, then the template's for it over them. */
  async #resource(arn: string, stack: Stack, logicalId: string): Promise<CloudFormationResource | undefined> {
    const detail = await this.#detail(stack);
    if (detail.deleted) return undefined;
    const template = detail.template.get(logicalId)?.tags ?? 'unknown';
    const declared: Record<string, string | undefined> = Object.assign(newTags(), detail.tags);
    if (template !== 'unknown') Object.assign(declared, template);
    return {
      tool: 'cloudformation',
      arn,
      stack: stack.name,
      logicalId,
      source: stack.id,
      declared,
      authority: 'declared',
      tagsUnknown: template === 'unknown',
    };
  }

  /** Every resource of a region and account's stacks, by match key: ListStacks, then each one's resources. */
  #scope(region: string, via: string) {
    return cached(this.#scopes, `${region}|${via}`, async () => {
      const api = await sdk();
      const client = await this.#client(region, via);
      const StackStatusFilter = Object.values(api.StackStatus).filter((s) => s !== 'DELETE_COMPLETE');
      const call = { operation: 'ListStacks', input: { StackStatusFilter }, token: 'NextToken' };
      const stacks: Stack[] = [];
      for await (const summary of listEntries(
        client,
        api,
        { ...call, member: 'StackSummaries' },
        this.#signal,
      )) {
        stacks.push(stackOf(stringMember(summary, 'StackId', 'ListStacks'), via));
      }
      const limit = pLimit(READS_AT_ONCE);
      const lists = await Promise.all(stacks.map((stack) => limit(() => this.#listed(stack))));
      const index = new Map<string, { stack: Stack; logicalId: string }>();
      stacks.forEach((stack, i) => {
        for (const { key, logicalId } of lists[i] ?? []) {
          if (key !== undefined && !index.has(key)) index.set(key, { stack, logicalId });
        }
      });
      return index;
    });
  }

  /** A listed stack's resources; none for one deleted since it was listed (CloudFormation: "does not exist"). */
  async #listed(stack: Stack): Promise<StackResource[]> {
    try {
      return await this.#stackResources(stack);
    } catch (error) {
      const gone = awsErrorName(error) === 'ValidationError' && /does not exist/.test(String(error));
      if (gone) return [];
      throw error;
    }
  }

  /** A stack's resources (ListStackResources, every page), but those it no longer manages. */
  #stackResources(stack: Stack) {
    return cached(this.#resources, stack.id, async () => {
      const api = await sdk();
      const client = await this.#client(stack.region, stack.via);
      const operation = 'ListStackResources';
      const call = { operation, input: { StackName: stack.id }, token: 'NextToken' };
      const resources: StackResource[] = [];
      for await (const entry of listEntries(
        client,
        api,
        { ...call, member: 'StackResourceSummaries' },
        this.#signal,
      )) {
        const { PhysicalResourceId: physical, ResourceStatus: status } = entry as Record<string, unknown>;
        if (GONE.has(status as string) || typeof physical !== 'string' || physical === '') continue;
        const type = stringMember(entry, 'ResourceType', operation);
        const arn = arnOfPhysicalId(type, physical, stack.region, stack.account, stack.partition);
        const logicalId = stringMember(entry, 'LogicalResourceId', operation);
        resources.push({ logicalId, key: arn === undefined ? undefined : keyOf(arn) });
      }
      return resources;
    });
  }

  /** A stack's tags (DescribeStacks) and its template's resources (GetTemplate, the processed template). */
  #detail(stack: Stack) {
    return cached(this.#details, stack.id, async () => {
      const api = await sdk();
      const client = await this.#client(stack.region, stack.via);
      const options = { abortSignal: this.#signal };
      const described = await client.send(
        new api.DescribeStacksCommand({ StackName: stack.id }) as never,
        options,
      );
      const found = listMember(described, 'Stacks', 'DescribeStacks')[0] as
        | Record<string, unknown>
        | undefined;
      if (!found) throw malformed('DescribeStacks', 'no stack');
      if (found.StackStatus === 'DELETE_COMPLETE')
        return { deleted: true, tags: newTags(), template: new Map() };
      const tags = fromTagList(found.Tags as TagPair[] | undefined, 'DescribeStacks');
      // `Processed`: the template as deployed, after its transforms (SAM, AWS::LanguageExtensions), whose logical
      // ids are the stack's resources'. For a template without transforms it is the template as written.
      const input = { StackName: stack.id, TemplateStage: 'Processed' as const };
      const got = await client.send(new api.GetTemplateCommand(input) as never, options);
      const body = (got as { TemplateBody?: unknown }).TemplateBody;
      if (typeof body !== 'string') throw malformed('GetTemplate', 'no TemplateBody');
      return { deleted: false, tags, template: readTemplate(body, stack.id) };
    });
  }

  #client(region: string, account: string): Promise<CommandSender> {
    return cached(this.#clients, `${region}|${account}`, async () => this.#options.clients(region, account));
  }

  get #signal(): AbortSignal | undefined {
    return this.#options.signal;
  }
}

/** The stack and logical id that AWS's `aws:cloudformation:*` tags name, when the live tags carry them. */
function stackOfTags(tags: Readonly<Record<string, string>> | undefined) {
  const own = (key: string) => (tags && Object.hasOwn(tags, key) ? tags[key] : undefined);
  const id = own('aws:cloudformation:stack-id');
  const logicalId = own('aws:cloudformation:logical-id');
  if (typeof id !== 'string' || typeof logicalId !== 'string' || arnService(id) !== 'cloudformation') {
    return undefined;
  }
  try {
    const stack = stackOf(id, '');
    return { stack: { ...stack, via: stack.account }, logicalId };
  } catch {
    return undefined; // not an ARN: the scan decides
  }
}

/** A stack from its ARN (`arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/UUID`). */
function stackOf(id: string, via: string): Stack {
  const arn = parseArn(id);
  const name = arn.resourceId.split('/')[0] ?? '';
  return { id, name, region: arn.region, account: arn.accountId, partition: arn.partition, via };
}

/** The key ARNs are matched by (see `matchKey`), a log group's written without the trailing `:*` too. */
function keyOf(arn: string): string {
  return matchKey(arn.replace(/^(arn:[^:]+:logs:[^:]*:[^:]*:log-group:.+):\*$/, '$1'));
}

/** The promise `make` gives for `key`, made once; an aborted one is forgotten (it was no answer). */
function cached<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let value = map.get(key);
  if (!value) {
    value = make();
    map.set(key, value);
    value.catch((error: unknown) => {
      if (isAbortError(error)) map.delete(key);
    });
  }
  return value;
}

/** An access denial says which permissions the CloudFormation check needs. */
function explained(error: UnitagError): UnitagError {
  if (error.code !== 'AccessDenied') return error;
  return createError('AccessDenied', `${error.message} ${NOTE}`, {
    arn: error.arn,
    service: error.service,
    cause: error.cause,
  });
}
