import type { ParsedArn } from './arn.js';

/** Tags as unitag passes them everywhere: key to value. */
export type Tags = Record<string, string>;

/** What a write did: `unchanged` only where the adapter read the current tags and saw nothing to do. */
export type WriteOutcome = 'changed' | 'unchanged';

/** Per-call options of `tag`, `untag` and `list`, and of every adapter member. */
export interface CallOptions {
  /** S3 objects only: the object version to tag. Without it, the current version. */
  versionId?: string | undefined;
  /** Cancels the call: it ends with an `Aborted` error. */
  signal?: AbortSignal | undefined;
  /**
   * The tagging API's `listBatch` only: leave out the resources its answer does not name (never tagged, or
   * unknown to it) instead of reading them as untagged, so that a bulk read reads them through their own adapter.
   */
  onlyAnswered?: boolean | undefined;
  /**
   * A write only: it carries out a plan this tagger made from the resource's tags it read. An adapter that reads
   * before it writes may then act on that read when it is recent instead of reading again (IAM users and roles:
   * see docs/aws-facts.md, IAM).
   */
  planned?: boolean | undefined;
}

/** The rules a resource's tags must follow; checked before any AWS call. */
export interface TagRules {
  /** Most user tags one request (and, where unitag writes the whole set, the resource) may carry. */
  maxTags: number;
  /** Characters allowed in keys and values; `null` allows any. */
  charset: RegExp | null;
  /** Keys differ only by case count as the same key (IAM users and roles). */
  caseInsensitiveKeys: boolean;
}

/** What an adapter says about one resource before any AWS call. */
export interface ResourceInfo {
  /** A short type name for reports: `sns:topic`, `ec2:volume`, `iam:user`, ... */
  type: string;
  /** The rules its tags must follow. */
  rules: TagRules;
  /**
   * On AWS the Resource Groups Tagging API tags this type too, and does it as the adapter would: bulk writes may
   * send it there first, 20 ARNs a call (see the tagger's `preferTaggingApi`).
   */
  taggingApi?: boolean | undefined;
  /** Every write of this type replaces the whole set (S3): unitag reads, merges and writes it back. */
  replacesWholeSet?: boolean | undefined;
  /**
   * The ARN an IAM policy names for unitag's calls on this resource, where it may differ from the ARN given (a log
   * group's: without the trailing `:*` that DescribeLogGroups writes). Absent: the ARN given.
   */
  policyArn?: string | undefined;
  /**
   * The resource's ARN in its one spelling where others name it too (a log group's, with or without the trailing
   * `:*`): a plan counts every spelling of it as one resource. Absent: the ARN given.
   */
  canonicalArn?: string | undefined;
  /**
   * Set where the tagging API serves a type in place of its own adapter, whose SDK package (named here) is not
   * installed: errors about the resource say so.
   */
  standInFor?: string | undefined;
}

/** Which SDK client a call needs: the partition, the region (empty: the tagger's default) and the account. */
export interface ClientScope {
  partition: string;
  region: string;
  /** The account the resource is in, as the ARN says; empty where the ARN names none. */
  account: string;
}

/**
 * The document a successful answer must be:
 * - `{ xml: root }`: XML with this root element, from start to end;
 * - `{ json: members }`: a JSON object that carries the first of these members (the one the answer is for; then
 *   others may come too, as AWS adds members over time), or else has only members among these (AWS leaves out
 *   members that are empty, so none is required unless `required` says the first one is);
 * - `{ empty: protocol }`: the answer of an operation whose output has no member in its body (most writes): no
 *   body at all, or, for a JSON protocol, an object without members (`{}`).
 */
export type Document =
  | { xml: string }
  | { json: readonly string[]; required?: boolean | undefined }
  | { empty: 'json' | 'xml' };

/** Loads an SDK client class on first use, so that importing unitag loads no AWS client. */
export interface ClientLoader<C> {
  /** Cache key of the client package, e.g. `sns`. */
  id: string;
  /** Imports the package and returns a client for that configuration. */
  create(config: Record<string, unknown>): Promise<C>;
  /**
   * The operations that read tags, by SDK command name (`ListQueueTagsCommand`), each with the document its
   * successful answer must be. Any other answer (empty, cut short, another document) is a `MalformedResponse`,
   * never "no tags".
   */
  readonly reads?: Readonly<Record<string, Document>> | undefined;
  /**
   * The operations that write tags, by SDK command name (`TagQueueCommand`), each with the document its
   * successful answer must be. Any other answer (an empty body where the API sends a document, an error
   * document, another document) is a `MalformedResponse`, never "done": whether the write happened is unknown.
   */
  readonly writes?: Readonly<Record<string, Document>> | undefined;
  /**
   * The service names resources without their account (by name or id: IAM, EC2). Before the client of a scope
   * that names an account is handed out, unitag checks with STS (once per credentials set) that the
   * credentials act in that account, and throws `AccountMismatch` when they do not.
   */
  readonly namesWithoutAccount?: boolean | undefined;
}

/** What the core hands an adapter for each call. */
export interface AdapterContext {
  /**
   * A cached SDK client for the scope: its region (empty: the tagger's default) and account. Pass the call's
   * signal: handing out the client may wait for the account check (see `namesWithoutAccount`).
   */
  client<C>(loader: ClientLoader<C>, scope: ClientScope, signal?: AbortSignal): Promise<C>;
  /**
   * Runs `task` after every earlier task with the same key has settled, in any tagger of this process
   * (read-modify-write serialization).
   */
  exclusive<T>(key: string, task: () => Promise<T>): Promise<T>;
  /**
   * Tells the core a fact about the endpoint that changes how later calls go: `ignores-arn-list`, an endpoint
   * whose GetResources answered ARNs it was not asked for (LocalStack), so that reads go to each service's own
   * calls for the rest of the run.
   */
  note?(fact: EndpointFact): void;
}

/** What an adapter may learn about the endpoint it calls (see `AdapterContext.note`). */
export type EndpointFact = 'ignores-arn-list';

/** Per resource of a batch write: its outcome, or the error AWS gave for it (typed by the core). */
export type BatchResult = Map<string, WriteOutcome | Error>;

/** Per resource of a batch read: its tags, or the error AWS gave for it (typed by the core). */
export type BatchTags = Map<string, Tags | Error>;

/** What `find` looks for. */
export interface FindQuery {
  /** Tag filters: a value, any of several values, or `true` for "has the key, any value". */
  tags?: Record<string, string | string[] | true> | undefined;
  /** Resource types as the tagging API names them: `ec2:volume`, `s3`, `logs:log-group`, ... */
  resourceTypes?: string[] | undefined;
  /** Regions to search, all in one partition; default: the tagger's region. */
  regions?: string[] | undefined;
  /**
   * Resources that lack at least one of these keys (`aws:` system tags never count as user tags); at least one
   * key, and not with `untagged`. Set (or `untagged`), `find` lists resources with each service's own calls (see
   * {@link AdapterInventory}) instead of the tagging API, which never returns a resource that was never tagged.
   */
  missing?: string[] | undefined;
  /** Resources that carry no user tag at all (`aws:` system tags aside); listed as for `missing`. */
  untagged?: boolean | undefined;
  /**
   * Every resource the services list, tagged or not (the `tags` filters still apply); listed as for `missing`.
   * Not with `missing` or `untagged`.
   */
  all?: boolean | undefined;
  /**
   * The accounts to search (12-digit ids), side by side, each with its own credentials (the accounts file's role
   * or profile, or `roleName`) and rates; each account's regions are `regions`, else its regions in the accounts
   * file, else the tagger's region. Default: every account of the tagger's accounts file, else the caller's alone.
   */
  accounts?: string[] | undefined;
}

/** One resource an adapter's inventory lists. */
export interface ListedResource {
  /** Its ARN, as unitag takes it. */
  arn: string;
  /** Its type as `describe` names it: `ec2:volume`, `iam:role`, ... */
  type: string;
  /**
   * Its tags, `aws:` tags included, only where the list call's answer carries them (EC2's Describe calls);
   * absent otherwise, and then read afterwards.
   */
  tags?: Tags | undefined;
}

/**
 * What an adapter can list with its service's own calls, tagged or not (the tagging API returns only resources
 * that were tagged once). `find` with `missing` or `untagged` uses it.
 */
export interface AdapterInventory {
  /** The types it lists, as `describe` names them (`ec2:volume`, `iam:role`, ...). */
  readonly types: readonly string[];
  /**
   * The service is global (IAM, S3): listed once, not per region; `enumerate` then gets the scope's partition
   * and account with an empty region, and picks the region it calls itself.
   */
  readonly global?: boolean | undefined;
  /**
   * Every resource of `types` (some of {@link AdapterInventory.types}) in the scope's region (its account: the
   * credentials'), each list call followed page after page to its end, yielded as each page comes. A page that
   * is not the API's document (no list member, a member of the wrong type) throws a `MalformedResponse` error,
   * never reads as "no resources"; AWS's errors are thrown as the SDK gives them. Passes `options.signal` to
   * every request.
   */
  enumerate(
    ctx: AdapterContext,
    scope: ClientScope,
    types: readonly string[],
    options: CallOptions,
  ): AsyncIterable<ListedResource>;
}

/**
 * The contract every service adapter implements. Tags cross it as {@link Tags}; untag takes a list of keys.
 *
 * The core parses the ARN, picks the adapter, validates the request against `describe(arn).rules` and skips
 * empty requests, so an adapter converts shapes and calls AWS. The one rule for errors: an adapter throws (and,
 * from a batch member, returns per resource) AWS's errors as the SDK gives them, or `awsFailure(...)` for a
 * failure AWS reported inside a successful answer; the core turns each into a `UnitagError`. An adapter throws
 * unitag's typed errors only for its own decisions (`describe`'s refusals, an answer that is not the API's
 * document, a resource that is not the one the ARN names). Every member takes the call's options and passes
 * their `signal` to every request it sends.
 */
export interface Adapter {
  /** The ARN service field this adapter serves (`sns`), or `tagging-api` for the fallback. */
  readonly name: string;
  /** Type and rules of the resource; throws `UnsupportedResource` or `InvalidArn` when it cannot tag it. */
  describe(arn: ParsedArn): ResourceInfo;
  /** Current tags of the resource, `aws:` system tags included. A failed read throws; never `{}` for a failure. */
  list(ctx: AdapterContext, arn: ParsedArn, options: CallOptions): Promise<Tags>;
  /** Adds or overwrites `tags`, leaving every other tag alone. */
  tag(ctx: AdapterContext, arn: ParsedArn, tags: Tags, options: CallOptions): Promise<WriteOutcome>;
  /** Removes `keys` (absent keys are fine), leaving every other tag alone. */
  untag(ctx: AdapterContext, arn: ParsedArn, keys: string[], options: CallOptions): Promise<WriteOutcome>;
  /** Optional: sets and removes keys in one step (S3, IAM: one read instead of two). */
  change?(
    ctx: AdapterContext,
    arn: ParsedArn,
    set: Tags,
    remove: string[],
    options: CallOptions,
  ): Promise<WriteOutcome>;
  /** Optional: how many resources one `tagBatch` / `untagBatch` call takes. */
  readonly batchSize?: number;
  /** Optional: how many resources one `listBatch` call takes. */
  readonly listBatchSize?: number;
  /** Optional: tags many resources of this adapter at once, with fewer calls than one per resource. */
  tagBatch?(ctx: AdapterContext, arns: ParsedArn[], tags: Tags, options: CallOptions): Promise<BatchResult>;
  /** Optional: untags many resources of this adapter at once. */
  untagBatch?(
    ctx: AdapterContext,
    arns: ParsedArn[],
    keys: string[],
    options: CallOptions,
  ): Promise<BatchResult>;
  /** Optional: lists many resources at once; each ARN maps to its tags or its error. */
  listBatch?(ctx: AdapterContext, arns: ParsedArn[], options: CallOptions): Promise<BatchTags>;
  /**
   * Optional: the IAM actions unitag's calls for this resource need, per operation (a write that reads first
   * names the read too). Pure: no AWS call. The tagging API's own actions are the core's to add.
   */
  permissions?(arn: ParsedArn, options: CallOptions): Permissions;
  /** Optional (the tagging API): every tagged resource of one region that matches the query. */
  find?(
    ctx: AdapterContext,
    scope: ClientScope,
    query: FindQuery,
    options: CallOptions,
  ): AsyncIterable<{ arn: string; tags: Tags }>;
  /** Optional: lists every resource of its types with the service's own calls, tagged or not. */
  readonly inventory?: AdapterInventory | undefined;
  /**
   * Optional: the SDK client package the adapter loads on first use when it is an optional peer dependency of
   * unitag. Where it is not installed, the tagging-API fallback serves the adapter's resources instead.
   */
  readonly optionalPackage?: OptionalPackage | undefined;
}

/** An SDK client package that may be missing: its name, and whether it can be loaded from here. */
export interface OptionalPackage {
  /** The npm package, e.g. `@aws-sdk/client-kms`. */
  readonly name: string;
  /** True when the package resolves from unitag's location (checked once). */
  installed(): boolean;
}

/** IAM actions (`sns:TagResource`) by what unitag does to a resource. */
export interface Permissions {
  /** Adding or overwriting tags. */
  tag: string[];
  /** Removing tags. */
  untag: string[];
  /** Reading tags. */
  list: string[];
}

/** Builds an adapter; every adapter file default-exports one. */
export type AdapterFactory<Options = Record<string, never>> = (options?: Options) => Adapter;

/** One ARN, parsed, dispatched and described once: the value every layer above the adapters passes on. */
export interface Target {
  /** The ARN as given. */
  arn: string;
  /** Its fields: partition, service, region, account, resource. */
  parsed: ParsedArn;
  /** The adapter that serves it. */
  adapter: Adapter;
  /** Its type and the rules its tags follow. */
  info: ResourceInfo;
}

/** A write, validated against its target's rules: keys to set and keys to remove (no repeats). */
export interface WriteRequest {
  set: Tags;
  remove: string[];
}
