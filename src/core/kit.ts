// Everything an adapter needs from the core, in one module: adapters import this and nothing else from src/.
import { createRequire } from 'node:module';
import type { ParsedArn } from './arn.js';
import { malformed } from './aws-errors.js';
import { groupBy, once } from './collections.js';
import { fromTagList, type TagPair } from './shapes.js';
import type {
  Adapter,
  AdapterContext,
  AdapterInventory,
  ClientLoader,
  ClientScope,
  OptionalPackage,
  Tags,
} from './types.js';

export { PARTITIONS, type ParsedArn, rejectTypeCase } from './arn.js';
export { awsErrorName, awsFailure, isThrottling, malformed } from './aws-errors.js';
export { usesCustomEndpoint } from './clients.js';
export { chunk, groupBy, once } from './collections.js';
export { InvalidArnError, ResourceNotFoundError, UnsupportedResourceError } from './errors.js';
export { sdkPackage } from './sdk-package.js';
export {
  copyTags,
  fromTagList,
  hasTag,
  newTags,
  optionalTagMap,
  requiredTagList,
  type TagPair,
  toTagList,
} from './shapes.js';
export type {
  Adapter,
  AdapterContext,
  AdapterFactory,
  AdapterInventory,
  BatchResult,
  BatchTags,
  CallOptions,
  ClientLoader,
  ClientScope,
  Document,
  FindQuery,
  ListedResource,
  OptionalPackage,
  ResourceInfo,
  TagRules,
  Tags,
  WriteOutcome,
} from './types.js';
export { checkTagCount, DEFAULT_RULES } from './validate.js';

const require = createRequire(import.meta.url);

/**
 * An SDK client package that unitag lists as an optional peer dependency: `load` imports it on first use
 * (`import(name)` written out by the caller, so bundlers see it), `installed()` says whether it resolves, once.
 */
export function optionalSdk<T>(
  name: string,
  load: () => Promise<T>,
): OptionalPackage & { load: () => Promise<T> } {
  let installed: boolean | undefined;
  return {
    name,
    installed() {
      if (installed === undefined) {
        try {
          require.resolve(name);
          installed = true;
        } catch {
          installed = false;
        }
      }
      return installed;
    },
    load: once(load),
  };
}

/** The client scope of an ARN: its partition, account, and its region unless `region` says otherwise. */
export function scopeOf(arn: ParsedArn, region: string = arn.region): ClientScope {
  return { partition: arn.partition, region, account: arn.accountId };
}

/** Groups ARNs that one client serves (same partition, region and account), keeping first-seen order. */
export function byScope(arns: ParsedArn[]): ParsedArn[][] {
  return [...groupBy(arns, (arn) => `${arn.partition}|${arn.region}|${arn.accountId}`).values()];
}

/**
 * The pages of a paged list call, first to last: `send(token)` asks for the page after `token` (undefined: the
 * first), and `next(page)` gives the token of the page after it (NextToken, Marker, ...), empty or absent on
 * the last page. A token that is not a string, or that repeats the one just sent (following it would never
 * end), is a `MalformedResponse`.
 */
export async function* pages<O>(
  operation: string,
  send: (token: string | undefined) => Promise<O>,
  next: (page: O) => unknown,
): AsyncGenerator<O> {
  let token: string | undefined;
  do {
    const page = await send(token);
    const following = next(page) ?? undefined;
    if (following !== undefined && typeof following !== 'string')
      throw malformed(operation, 'a next-page token that is not a string');
    if (following && following === token) throw malformed(operation, 'the same next-page token again');
    yield page;
    token = following || undefined;
  } while (token !== undefined);
}

/**
 * The list `field` of a list call's answer. An answer without it, or with anything but a list there, is not the
 * API's document: a `MalformedResponse`, never "no resources". With `optional`, a missing field is an empty
 * list (SQS leaves QueueUrls out when there is no queue).
 */
export function listMember(out: unknown, field: string, operation: string, optional = false): unknown[] {
  const list = typeof out === 'object' && out !== null ? (out as Record<string, unknown>)[field] : undefined;
  if (list === undefined && optional) return [];
  if (!Array.isArray(list)) throw malformed(operation, `no ${field} list`);
  return list;
}

/** The string `field` of one entry of a list answer (an id, a name, an ARN); anything else is malformed. */
export function stringMember(entry: unknown, field: string, operation: string): string {
  const value =
    typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[field] : entry;
  if (typeof value !== 'string' || value === '') throw malformed(operation, `an entry without its ${field}`);
  return value;
}

/**
 * The tags an entry of a list answer carries in `field` (EC2's Describe calls: `Tags`), prototype-free. AWS
 * leaves the field out of an entry without tags; anything but a list there is malformed.
 */
export function entryTags(entry: unknown, field: string, operation: string): Tags {
  const list =
    typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[field] : undefined;
  if (list !== undefined && !Array.isArray(list)) throw malformed(operation, `${field} that are not a list`);
  return fromTagList(list as TagPair[] | undefined);
}

/**
 * The region a client calls: the scope's, else the one its configuration resolved (the profile's), for ARNs
 * that an answer does not spell out whole.
 */
export async function regionOf(
  client: { config: { region?: unknown } },
  scope: ClientScope,
): Promise<string> {
  if (scope.region !== '') return scope.region;
  const region = client.config.region;
  return String((typeof region === 'function' ? await region() : region) ?? '');
}

/** What the kit's helpers need of an SDK client: `send` with an abort signal. */
export interface CommandSender {
  send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** One paged list call: the operation, what each page asks, where its page token goes and comes back, its list. */
export interface ListCall {
  /** The operation, as the SDK module names its command: `DescribeLogGroups` is sent as DescribeLogGroupsCommand. */
  operation: string;
  /** What every page asks besides its token: the page size, filters. */
  input?: Record<string, unknown> | undefined;
  /** The request's page-token member: `NextToken`, `nextToken`, `Marker`, `ExclusiveStartTableName`, ... */
  token: string;
  /**
   * Where an answer gives the next page's token: the member of that name (default: `token`'s), or a function
   * that reads it from the page (as {@link pages} takes it).
   */
  next?: string | ((page: never) => unknown) | undefined;
  /** The answer's list member; or members read together, each page's whole (CloudWatch's two kinds of alarm). */
  member: string | readonly string[];
}

/**
 * Every entry of a paged list call, page after page to the last (see {@link pages}); a page without its list
 * member is malformed (see {@link listMember}). `sdk` is the SDK module, whose `${operation}Command` is sent.
 */
export async function* listEntries(
  client: CommandSender,
  sdk: object,
  { operation, input, token, next = token, member }: ListCall,
  signal: AbortSignal | undefined,
): AsyncGenerator<unknown> {
  const Command = (sdk as Record<string, Command>)[`${operation}Command`] as Command;
  const send = (value: string | undefined) =>
    client.send(new Command({ ...input, [token]: value }), { abortSignal: signal });
  const following =
    typeof next === 'string' ? (page: unknown) => (page as Record<string, unknown>)[next] : next;
  for await (const page of pages(operation, send, following as (page: unknown) => unknown)) {
    yield* [member].flat().flatMap((field) => listMember(page, field, operation));
  }
}

/**
 * One type of an inventory: its list call, and the resource each entry of the answer names, either by its ARN
 * (`arn`) or by the ARN's resource part (`resource`: `table/NAME`), which is then written in the scope's
 * partition and account and the region the client calls (see {@link regionOf}).
 */
export type Listing = ListCall & {
  /** The tags an entry carries, where the list call's answer has them (no tag read follows). */
  tags?: ((entry: unknown) => Tags) | undefined;
} & ({ arn: (entry: unknown) => string } | { resource: (entry: unknown) => string });

/** What an inventory needs of an SDK client: `send`, and the region its configuration resolved (see {@link regionOf}). */
type ListClient = CommandSender & { config: { region?: unknown } };

/** An inventory whose types are each listed by one paged call: `listings` by type, in the order they are listed. */
export interface ListedInventory<C extends ListClient> {
  /** The ARN service field of the resources listed. */
  service: string;
  loader: ClientLoader<C>;
  /** Imports the SDK module (the adapter's cached import). */
  load(): Promise<object>;
  listings: Readonly<Record<string, Listing>>;
}

/** The inventory of an adapter whose types are each listed by one paged call (see {@link Listing}). */
export function listedInventory<C extends ListClient>(spec: ListedInventory<C>): AdapterInventory {
  return {
    types: Object.keys(spec.listings),
    async *enumerate(ctx, scope, types, { signal }) {
      const [client, sdk] = await Promise.all([ctx.client(spec.loader, scope, signal), spec.load()]);
      let region: string | undefined;
      for (const [type, listing] of Object.entries(spec.listings)) {
        if (!types.includes(type)) continue;
        if ('resource' in listing) region ??= await regionOf(client, scope);
        const arnOf = (entry: unknown) =>
          'resource' in listing
            ? `arn:${scope.partition}:${spec.service}:${region}:${scope.account}:${listing.resource(entry)}`
            : listing.arn(entry);
        for await (const entry of listEntries(client, sdk, listing, signal)) {
          const arn = arnOf(entry);
          yield listing.tags ? { arn, type, tags: listing.tags(entry) } : { arn, type };
        }
      }
    },
  };
}

/**
 * A service whose three tagging operations each name the resource by its ARN (CloudWatch, EventBridge, Step
 * Functions, CloudWatch Logs, SNS): the commands, made from the SDK module, and where the tags are in the list
 * call's answer.
 */
export interface ArnTagging<M> {
  loader: ClientLoader<CommandSender>;
  /** Imports the SDK module (the adapter's cached import). */
  load(): Promise<M>;
  tag(sdk: M, arn: string, tags: Tags): unknown;
  untag(sdk: M, arn: string, keys: string[]): unknown;
  list(sdk: M, arn: string): unknown;
  /** The tags in the list call's answer; an answer without them throws `malformed`. */
  tags(answer: object): Tags;
  /** The ARN the calls take. Default: the ARN as given. */
  callArn?(arn: ParsedArn): string;
}

/** The `list`, `tag` and `untag` of an adapter whose service names resources by ARN in all three calls. */
export function arnTagging<M>(spec: ArnTagging<M>): Pick<Adapter, 'list' | 'tag' | 'untag'> {
  const send = async (
    ctx: AdapterContext,
    arn: ParsedArn,
    signal: AbortSignal | undefined,
    make: Make<M>,
  ) => {
    const [client, sdk] = await Promise.all([ctx.client(spec.loader, scopeOf(arn), signal), spec.load()]);
    const command = make(sdk, spec.callArn?.(arn) ?? arn.arn) as never;
    return client.send(command, { abortSignal: signal });
  };
  return {
    list: async (ctx, arn, { signal }) => spec.tags((await send(ctx, arn, signal, spec.list)) as object),
    async tag(ctx, arn, tags, { signal }) {
      await send(ctx, arn, signal, (sdk, target) => spec.tag(sdk, target, tags));
      return 'changed';
    },
    async untag(ctx, arn, keys, { signal }) {
      await send(ctx, arn, signal, (sdk, target) => spec.untag(sdk, target, keys));
      return 'changed';
    },
  };
}

type Make<M> = (sdk: M, arn: string) => unknown;

/** An SDK command class, as `listEntries` finds it in the SDK module. */
type Command = new (input: Record<string, unknown>) => never;
