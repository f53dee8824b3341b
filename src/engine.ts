import { type ParsedArn, parseArn } from './arn.js';
import { ClientCache, type ClientOptions } from './clients.js';
import { toUnitagError } from './errors.js';
import { createRegistry, dispatch, type Registry } from './registry.js';
import { copyTags } from './shapes.js';
import type {
  Adapter,
  AdapterContext,
  CallOptions,
  ClientLoader,
  ResourceInfo,
  Tags,
  WriteOutcome,
} from './types.js';
import { validateKeys, validateTags } from './validate.js';

/** One resource, resolved: parsed ARN, its adapter and its rules. */
export interface Resolved {
  arn: ParsedArn;
  adapter: Adapter;
  info: ResourceInfo;
}

/** Options of the engine under a tagger: client configuration plus extra adapters. */
export interface EngineOptions extends ClientOptions {
  /** Adapters to add, or to use instead of a built-in one with the same name. */
  adapters?: Adapter[] | undefined;
}

/**
 * The core under every tagger: parses, dispatches, validates, then calls the adapter, and wraps every SDK
 * error in a `UnitagError`. Invalid input throws before any AWS call.
 */
export class Engine {
  readonly clients: ClientCache;
  readonly registry: Registry;
  readonly context: AdapterContext;
  /** `service|region|account` keys for which the tagging API refused bulk writes: not asked again. */
  readonly taggingApiRefusals = new Set<string>();

  constructor(options: EngineOptions = {}) {
    this.clients = new ClientCache(options);
    this.registry = createRegistry(options.adapters);
    const clients = this.clients;
    this.context = {
      client: <C>(loader: ClientLoader<C>, arn: ParsedArn, region?: string) =>
        clients.get(loader, arn, region),
      exclusive,
      get defaultRegion() {
        return clients.defaultRegion;
      },
    };
  }

  /** Parses the ARN and finds its adapter; throws `InvalidArn` or `UnsupportedResource`. */
  resolve(arn: string): Resolved {
    const parsed = parseArn(arn);
    try {
      return { arn: parsed, ...dispatch(parsed, this.registry) };
    } catch (error) {
      throw toUnitagError(error, { arn, service: parsed.service });
    }
  }

  /** Adds or overwrites `tags` on one resource. */
  async tag(arn: string | Resolved, tags: Tags, options: CallOptions = {}): Promise<WriteOutcome> {
    const r = typeof arn === 'string' ? this.resolve(arn) : arn;
    validateTags(tags, r.info.rules, r.arn.arn);
    if (Object.keys(tags).length === 0) return 'unchanged';
    return this.#call(r, () => r.adapter.tag(this.context, r.arn, tags, options));
  }

  /** Removes `keys` from one resource. */
  async untag(arn: string | Resolved, keys: string[], options: CallOptions = {}): Promise<WriteOutcome> {
    const r = typeof arn === 'string' ? this.resolve(arn) : arn;
    const unique = validateKeys(keys, r.info.rules, r.arn.arn);
    if (unique.length === 0) return 'unchanged';
    return this.#call(r, () => r.adapter.untag(this.context, r.arn, unique, options));
  }

  /** Sets `set` and removes `remove` on one resource: tags first, so a failure between the two loses nothing. */
  async change(r: Resolved, set: Tags, remove: string[], options: CallOptions = {}): Promise<WriteOutcome> {
    validateTags(set, r.info.rules, r.arn.arn);
    const keys = validateKeys(remove, r.info.rules, r.arn.arn);
    const hasSet = Object.keys(set).length > 0;
    if (!hasSet && keys.length === 0) return 'unchanged';
    const { adapter, arn } = r;
    return this.#call(r, async () => {
      if (adapter.change) return adapter.change(this.context, arn, set, keys, options);
      const tagged = hasSet ? await adapter.tag(this.context, arn, set, options) : 'unchanged';
      const untagged = keys.length > 0 ? await adapter.untag(this.context, arn, keys, options) : 'unchanged';
      return tagged === 'changed' || untagged === 'changed' ? 'changed' : 'unchanged';
    });
  }

  /** The user tags of one resource. */
  async list(arn: string | Resolved, options: CallOptions = {}): Promise<Tags> {
    const r = typeof arn === 'string' ? this.resolve(arn) : arn;
    // Prototype-free, whatever an added adapter returns: any key is a key (see newTags).
    return this.#call(r, async () => copyTags(await r.adapter.list(this.context, r.arn, options)));
  }

  async #call<T>(r: Resolved, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (error) {
      throw toUnitagError(error, { arn: r.arn.arn, service: r.arn.service });
    }
  }
}

/**
 * The queues of `exclusive`, one per process: kept on `globalThis` under a registered symbol, so that every
 * tagger, and every copy of unitag loaded in the process (two versions in one dependency tree), shares them.
 */
const QUEUES = Symbol.for('unitag.exclusive-queues');
const shared = globalThis as { [QUEUES]?: Map<string, Promise<unknown>> };
shared[QUEUES] ??= new Map();
const queues = shared[QUEUES];

/**
 * Runs `task` after every earlier task of this process with the same key has settled, whatever its outcome: a
 * promise chain per key.
 */
async function exclusive<T>(key: string, task: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  const current = before.then(task, task);
  const settled = current.catch(() => undefined);
  queues.set(key, settled);
  try {
    return await current;
  } finally {
    if (queues.get(key) === settled) queues.delete(key);
  }
}
