// Everything an adapter needs from the core, in one module: adapters import this and nothing else from src/.
import { createRequire } from 'node:module';
import type { ParsedArn } from './arn.js';
import { malformed } from './aws-errors.js';
import { groupBy, once } from './collections.js';
import { fromTagList, type TagPair } from './shapes.js';
import type { Adapter, AdapterContext, ClientLoader, ClientScope, OptionalPackage, Tags } from './types.js';

export { PARTITIONS, type ParsedArn, rejectTypeCase } from './arn.js';
export { awsErrorName, awsFailure, isThrottling, malformed } from './aws-errors.js';
export { usesCustomEndpoint } from './clients.js';
export { chunk, groupBy, once } from './collections.js';
export { InvalidArnError, ResourceNotFoundError, UnsupportedResourceError } from './errors.js';
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

/** What the ARN-tagging helper needs of an SDK client: `send` with an abort signal. */
export interface CommandSender {
  send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
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
