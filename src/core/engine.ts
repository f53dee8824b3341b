import { reasonOf } from './arguments.js';
import { arnService, type ParsedArn, parseArn } from './arn.js';
import { isOutcomeUnknown, toUnitagError } from './aws-errors.js';
import { ClientCache, type ClientOptions, withSignal } from './clients.js';
import { AbortedError, createError, type UnitagError } from './errors.js';
import { createRegistry, dispatch, type Registry } from './registry.js';
import { type MaxRates, Scheduler } from './scheduler.js';
import { copyTags } from './shapes.js';
import type {
  Adapter,
  AdapterContext,
  BatchResult,
  CallOptions,
  EndpointFact,
  Tags,
  Target,
  WriteOutcome,
  WriteRequest,
} from './types.js';

/** Options of the engine under a tagger: client configuration plus extra adapters. */
export interface EngineOptions extends ClientOptions {
  /** Adapters to add, or to use instead of a built-in one with the same name. */
  adapters?: Adapter[] | undefined;
  /**
   * Request rates to keep to, per family of calls as AWS meters them (`{ 'ec2:mutating': 10 }`) or per service
   * (`{ sns: 20 }`), in requests a second, above AWS's default rates (docs/request-rates.md) where your account's
   * quotas are raised; `Infinity` lifts one limit; `false` lifts them all. The rates adapt down when AWS
   * throttles and recover slowly.
   */
  maxRates?: MaxRates | undefined;
  /**
   * Hears, once per package and tagger, that an adapter's optional SDK client package is not installed and the
   * tagging API serves its resources instead. Default: a process warning (`process.emitWarning`, type
   * `UnitagNotice`), once per package and process however many taggers it makes.
   */
  onNotice?: ((message: string) => void) | undefined;
}

/** How many resolved ARNs an engine keeps at most (the newest half at least): two windows of a streamed job and more. */
const RESOLVED = 16_384;

/** What an error is about, where there is no target (find). */
export interface ErrorPlace {
  arn?: string | undefined;
  service?: string | undefined;
}

/** Per resource of a batch: its outcome, or its typed error. */
export type TypedBatch<T> = Map<string, T | UnitagError>;

/**
 * The core under every tagger. It resolves an ARN into a {@link Target} (the only place that parses ARNs),
 * calls the adapters with requests its callers have validated, and is the one place where what an adapter
 * throws or reports becomes a `UnitagError`: an aborted call becomes `Aborted`.
 */
export class Engine {
  readonly clients: ClientCache;
  readonly registry: Registry;
  readonly context: AdapterContext;

  constructor(options: EngineOptions = {}) {
    this.clients = new ClientCache({ ...options, scheduler: new Scheduler(options.maxRates ?? {}) });
    this.registry = createRegistry(options.adapters);
    this.#onNotice = options.onNotice ?? noticeOncePerProcess;
    const clients = this.clients;
    this.context = {
      client: (loader, scope, signal) => clients.get(loader, scope, signal),
      exclusive,
      note: (fact) => this.#facts.add(fact),
    };
  }

  readonly #facts = new Set<EndpointFact>();

  /** Says `message` once per engine, as notices are said (the CLI: `unitag: note: ...` on standard error). */
  notice(message: string): void {
    if (this.#noticed.has(message)) return;
    this.#noticed.add(message);
    this.#onNotice(message);
  }

  /** True once an adapter has noted `fact` about the endpoint (see `AdapterContext.note`). */
  noted(fact: EndpointFact): boolean {
    return this.#facts.has(fact);
  }

  /** Parses the ARN and finds its adapter and rules; throws `InvalidArn` or `UnsupportedResource`. */
  resolve(arn: string): Target {
    // A job checks each line, then plans it: the ARNs of the last few windows are parsed once.
    const known = this.#resolved.get(arn) ?? this.#resolvedBefore.get(arn);
    if (known) return known;
    let parsed: ParsedArn;
    try {
      parsed = parseArn(arn);
    } catch (error) {
      throw toUnitagError(error, { arn, service: arnService(arn) });
    }
    let target: Target;
    try {
      target = { arn, parsed, ...dispatch(parsed, this.registry, (adapter) => this.#missing(adapter)) };
    } catch (error) {
      throw toUnitagError(error, { arn, service: parsed.service });
    }
    // Two generations, each dropped whole: deleting a Map's oldest entry one at a time left its iteration to
    // step over every deleted slot, which cost a tenth of a large job's time.
    if (this.#resolved.size >= RESOLVED / 2) {
      this.#resolvedBefore = this.#resolved;
      this.#resolved = new Map();
    }
    this.#resolved.set(arn, target);
    return target;
  }

  #resolved = new Map<string, Target>();
  #resolvedBefore = new Map<string, Target>();
  readonly #noticed = new Set<string>();
  readonly #onNotice: (message: string) => void;

  /** Says once per package that an adapter's SDK client is missing, and what installing it would change. */
  #missing(adapter: Adapter): void {
    const name = adapter.optionalPackage?.name ?? '';
    if (this.#noticed.has(name)) return;
    this.#noticed.add(name);
    this.#onNotice(
      `${name} is not installed, so ${adapter.name} resources are tagged through the Resource Groups Tagging ` +
        `API; \`npm install ${name}\` gives unitag's own ${adapter.name} adapter (the service's own calls).`,
    );
  }

  /** The tags of one resource, prototype-free whatever the adapter returns. */
  read(target: Target, options: CallOptions = {}): Promise<Tags> {
    return this.#call(target, options, async () =>
      copyTags(await target.adapter.list(this.context, target.parsed, options)),
    );
  }

  /**
   * Sets and removes keys on one resource: tags first, so a failure between the two loses nothing. A failure
   * after which the write may or may not have been made says what a read of the resource finds.
   */
  write(target: Target, request: WriteRequest, options: CallOptions = {}): Promise<WriteOutcome> {
    const { set, remove } = request;
    const hasSet = Object.keys(set).length > 0;
    if (!hasSet && remove.length === 0) return Promise.resolve('unchanged');
    const { adapter, parsed } = target;
    let tagged: WriteOutcome | undefined;
    const written = this.#call(
      target,
      options,
      async () => {
        if (adapter.change) return adapter.change(this.context, parsed, set, remove, options);
        tagged = hasSet ? await adapter.tag(this.context, parsed, set, options) : 'unchanged';
        const untagged =
          remove.length > 0 ? await adapter.untag(this.context, parsed, remove, options) : 'unchanged';
        return tagged === 'changed' || untagged === 'changed' ? 'changed' : 'unchanged';
      },
      'write',
    );
    return written.catch(async (error: UnitagError) => {
      const failed = tagged === 'changed' ? partly(error, set, remove) : error;
      if (!rereadable(error)) throw failed;
      const now = await this.read(target, options).catch((e: UnitagError) => e);
      throw withTagsNow(failed, now, request);
    });
  }

  /**
   * Writes one request to many resources of one adapter through its batch members: tags, then untags the ones
   * tagged. Every target ends with its outcome or its typed error.
   */
  async writeBatch(
    adapter: Adapter,
    targets: Target[],
    request: WriteRequest,
    options: CallOptions = {},
  ): Promise<TypedBatch<WriteOutcome>> {
    const result: TypedBatch<WriteOutcome> = new Map();
    const steps: [boolean, (arns: Target[]) => Promise<BatchResult> | undefined][] = [
      [
        Object.keys(request.set).length > 0,
        (t) => adapter.tagBatch?.(this.context, parsedOf(t), request.set, options),
      ],
      [
        request.remove.length > 0,
        (t) => adapter.untagBatch?.(this.context, parsedOf(t), request.remove, options),
      ],
    ];
    let pending = targets;
    const unknown: Target[] = [];
    for (const [needed, step] of steps) {
      if (!needed || pending.length === 0) continue;
      const out = await this.#batch(pending, options, () => step(pending), 'write');
      const tagged = new Set(pending.filter((t) => result.get(t.arn) === 'changed').map((t) => t.arn));
      for (const target of pending) {
        const outcome = out.get(target.arn) as WriteOutcome | UnitagError;
        if (outcome instanceof Error && rereadable(outcome)) unknown.push(target);
        const error = outcome instanceof Error && tagged.has(target.arn);
        result.set(target.arn, error ? partly(outcome, request.set, request.remove) : outcome);
      }
      pending = pending.filter((target) => result.get(target.arn) === 'changed');
    }
    if (unknown.length === 0) return result;
    const now = await this.#readAgain(adapter, unknown, options);
    for (const { arn } of unknown) {
      result.set(arn, withTagsNow(result.get(arn) as UnitagError, now.get(arn), request));
    }
    return result;
  }

  /** The tags of `targets` now, in `adapter`'s batches where it has them, else one read each. */
  async #readAgain(adapter: Adapter, targets: Target[], options: CallOptions): Promise<TypedBatch<Tags>> {
    if (!adapter.listBatch) {
      const read = (t: Target) => this.read(t, options).catch((error: UnitagError) => error);
      return new Map(await Promise.all(targets.map(async (t) => [t.arn, await read(t)] as const)));
    }
    const found: TypedBatch<Tags> = new Map();
    const size = adapter.listBatchSize ?? targets.length;
    for (let at = 0; at < targets.length; at += size) {
      for (const [arn, tags] of await this.readBatch(adapter, targets.slice(at, at + size), options)) {
        found.set(arn, tags);
      }
    }
    return found;
  }

  /** Reads many resources of one adapter through `listBatch`: each ARN maps to its tags or its typed error. */
  async readBatch(adapter: Adapter, targets: Target[], options: CallOptions = {}): Promise<TypedBatch<Tags>> {
    const read = await this.#batch(targets, options, () =>
      adapter.listBatch?.(this.context, parsedOf(targets), options),
    );
    // Prototype-free, as `read` gives them, whatever an added adapter returns.
    for (const [arn, tags] of read) if (!(tags instanceof Error)) read.set(arn, copyTags(tags));
    return read;
  }

  /**
   * `error` as a unitag error about `target`; `Aborted` when the call's signal has fired. `call` says whether the
   * call that failed read or wrote (see `toUnitagError`).
   */
  fail(
    error: unknown,
    target: Target | ErrorPlace,
    signal?: AbortSignal,
    call: 'read' | 'write' = 'read',
  ): UnitagError {
    const context = 'parsed' in target ? { arn: target.arn, service: target.parsed.service } : target;
    if (signal?.aborted && !(error instanceof AbortedError)) {
      const where = context.arn ?? context.service ?? 'the call';
      return new AbortedError(`${where}: aborted by its signal (${reasonOf(signal.reason)}).`, {
        ...context,
        cause: error,
      });
    }
    const typed = toUnitagError(error, context, call);
    return 'parsed' in target ? standIn(typed, target) : typed;
  }

  async #call<T>(
    target: Target,
    options: CallOptions,
    task: () => Promise<T>,
    call: 'read' | 'write' = 'read',
  ): Promise<T> {
    try {
      options.signal?.throwIfAborted();
      return await withSignal(options.signal, task);
    } catch (error) {
      throw this.fail(error, target, options.signal, call);
    }
  }

  // Runs one batch member and types what it returns per ARN; a batch that throws fails each of its targets.
  async #batch<T>(
    targets: Target[],
    options: CallOptions,
    task: () => Promise<Map<string, T | Error>> | undefined,
    call: 'read' | 'write' = 'read',
  ): Promise<TypedBatch<T>> {
    const typed: TypedBatch<T> = new Map();
    const fail = (error: unknown, target: Target) => this.fail(error, target, options.signal, call);
    try {
      options.signal?.throwIfAborted();
      const out = await withSignal(options.signal, async () => task());
      for (const target of targets) {
        const value = out?.get(target.arn);
        if (value === undefined) typed.set(target.arn, fail(missing(), target));
        else typed.set(target.arn, value instanceof Error ? fail(value, target) : value);
      }
    } catch (error) {
      for (const target of targets) typed.set(target.arn, fail(error, target));
    }
    return typed;
  }
}

// An error about a resource the tagging API served because its adapter's SDK package is missing says so, and
// which package gives the service's own calls: the API's refusal may be a limit of the API, not of the resource.
function standIn(error: UnitagError, target: Target): UnitagError {
  const name = target.info.standInFor;
  if (!name || error.code === 'ClientMissing' || error.code === 'Aborted') return error;
  return createError(
    error.code,
    `${error.message} (${name} is not installed, so this went through the Resource Groups Tagging API; ` +
      `\`npm install ${name}\` gives the service's own calls)`,
    { arn: error.arn, service: error.service, cause: error.cause },
  );
}

function parsedOf(targets: Target[]) {
  return targets.map((target) => target.parsed);
}

function missing(): Error {
  return new Error('the batch call returned no result for this resource');
}

/** The default notice: one process warning per message, however many taggers the process makes. */
function noticeOncePerProcess(message: string): void {
  shared[NOTICES] ??= new Set();
  const said = shared[NOTICES];
  if (said.has(message)) return;
  said.add(message);
  process.emitWarning(message, { type: 'UnitagNotice', code: 'UNITAG_OPTIONAL_CLIENT' });
}

/**
 * The queues of `exclusive`, one per process: kept on `globalThis` under a registered symbol, so that every
 * tagger, and every copy of unitag loaded in the process (two versions in one dependency tree), shares them.
 */
const QUEUES = Symbol.for('unitag.exclusive-queues');
const NOTICES = Symbol.for('unitag.notices');
const shared = globalThis as { [QUEUES]?: Map<string, Promise<unknown>>; [NOTICES]?: Set<string> };
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

// The removal failed after the tags were set: the error says what was written, so that no one takes the
// resource for untouched (the set keys stay; nothing was lost). A removal whose outcome is unknown is not said
// to have failed.
function partly(error: UnitagError, set: Tags, remove: string[]): UnitagError {
  const keys = Object.keys(set).join(', ');
  const removal = isOutcomeUnknown(error)
    ? `whether ${remove.join(', ')} were removed is unknown`
    : `removing ${remove.join(', ')} failed`;
  return createError(error.code, `the tags ${keys} were set, but ${removal}: ${error.message}`, {
    arn: error.arn,
    service: error.service,
    cause: error.cause,
  });
}

// A write whose outcome is unknown is followed by a read that says what is there. Not after a timeout: the
// endpoint did not answer in time, so a read would likely wait as long again (3 x --read-timeout for a hung
// one), and the job-level retry sends the write again anyway.
function rereadable(error: UnitagError): boolean {
  return isOutcomeUnknown(error) && error.code !== 'Timeout';
}

/** `error` (a write whose outcome is unknown) with what the read that followed found: `now`. */
function withTagsNow(
  error: UnitagError,
  now: Tags | UnitagError | undefined,
  request: WriteRequest,
): UnitagError {
  let found: string;
  if (now === undefined || now instanceof Error) {
    found = `its tags could not be read again either${now ? ` (${now.code})` : ''}`;
  } else {
    const unmet = [
      ...Object.keys(request.set)
        .filter((key) => now[key] !== request.set[key])
        .map((key) => `${key} is not set`),
      ...request.remove.filter((key) => Object.hasOwn(now, key)).map((key) => `${key} is still there`),
    ];
    const verdict = unmet.length === 0 ? 'as asked' : `not as asked (${unmet.join(', ')})`;
    found = `read again, its tags are ${JSON.stringify(now)}: ${verdict}`;
  }
  return createError(error.code, `${error.message}; ${found}`, {
    arn: error.arn,
    service: error.service,
    cause: error.cause,
  });
}
