import type { ParsedArn } from './arn.js';
import type { UnitagError } from './errors.js';

/** Tags as unitag passes them everywhere: key to value. */
export type Tags = Record<string, string>;

/** What a write did: `unchanged` only where the adapter read the current tags and saw nothing to do. */
export type WriteOutcome = 'changed' | 'unchanged';

/** Per-call options of `tag`, `untag` and `list`. */
export interface CallOptions {
  /** S3 objects only: the object version to tag. Without it, the current version. */
  versionId?: string | undefined;
  /** Cancels the call. */
  signal?: AbortSignal | undefined;
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
}

/** Loads an SDK client class on first use, so that importing unitag loads no AWS client. */
export interface ClientLoader<C> {
  /** Cache key of the client package, e.g. `sns`. */
  id: string;
  /** Imports the package and returns a client for that configuration. */
  create(config: Record<string, unknown>): Promise<C>;
  /**
   * The operations (SDK command names, `ListQueueTagsCommand`) that read tags: their successful answer must be
   * a JSON or XML document, so that an empty body is a `MalformedResponse`, never "no tags".
   */
  readonly reads?: readonly string[] | undefined;
  /**
   * The service names resources without their account (by name or id: IAM, EC2). Before the client of an ARN
   * that names an account is handed out, unitag checks with STS (once per credentials set) that the
   * credentials act in that account, and throws `AccountMismatch` when they do not.
   */
  readonly namesWithoutAccount?: boolean | undefined;
}

/** What the core hands an adapter for each call. */
export interface AdapterContext {
  /** A cached SDK client for `region` (empty: the tagger's default) and the ARN's account. */
  client<C>(loader: ClientLoader<C>, arn: ParsedArn, region?: string): Promise<C>;
  /**
   * Runs `task` after every earlier task with the same key has settled, in any tagger of this process
   * (read-modify-write serialization).
   */
  exclusive<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** The tagger's default region, if one was configured. */
  defaultRegion: string | undefined;
}

/** Result of one resource in a batch write. */
export type BatchResult = Map<string, WriteOutcome | UnitagError>;

/**
 * The contract every service adapter implements. Tags cross it as {@link Tags}; untag takes a list of keys.
 * The core validates input against `describe(arn).rules`, skips empty requests and wraps SDK errors, so an
 * adapter only converts shapes and calls AWS.
 */
export interface Adapter {
  /** The ARN service field this adapter serves (`sns`), or `tagging-api` for the fallback. */
  readonly name: string;
  /** Type and rules of the resource; throws `UnsupportedResourceError` when the adapter cannot tag it. */
  describe(arn: ParsedArn): ResourceInfo;
  /** Current tags of the resource, `aws:` system tags included. A failed read throws; never `{}` for a failure. */
  list(ctx: AdapterContext, arn: ParsedArn, options: CallOptions): Promise<Tags>;
  /** Adds or overwrites `tags`, leaving every other tag alone. */
  tag(ctx: AdapterContext, arn: ParsedArn, tags: Tags, options: CallOptions): Promise<WriteOutcome>;
  /** Removes `keys` (absent keys are fine), leaving every other tag alone. */
  untag(ctx: AdapterContext, arn: ParsedArn, keys: string[], options: CallOptions): Promise<WriteOutcome>;
  /** Optional: sets and removes keys in one step (S3: one read-modify-write instead of two). */
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
  tagBatch?(ctx: AdapterContext, arns: ParsedArn[], tags: Tags): Promise<BatchResult>;
  /** Optional: untags many resources of this adapter at once. */
  untagBatch?(ctx: AdapterContext, arns: ParsedArn[], keys: string[]): Promise<BatchResult>;
  /** Optional: lists many resources at once; each ARN maps to its tags or its error. */
  listBatch?(ctx: AdapterContext, arns: ParsedArn[]): Promise<Map<string, Tags | UnitagError>>;
}

/** Builds an adapter; every adapter file default-exports one. */
export type AdapterFactory<Options = Record<string, never>> = (options?: Options) => Adapter;
