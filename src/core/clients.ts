// SDK clients, created on first use and kept per package, region and account; the middleware each gets counts its
// requests, waits for the rate limits, and checks each answer (answer-documents.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { STSClient } from '@aws-sdk/client-sts';
import { AccountCredentials } from './account-credentials.js';
import type { Account } from './accounts.js';
import { type RawAnswer, requireDocument } from './answer-documents.js';
import { PARTITIONS } from './arn.js';
import {
  awsErrorName,
  httpStatus,
  isThrottling,
  isUnanswered,
  malformed,
  markEndpoint,
  unansweredDetail,
} from './aws-errors.js';
import { once } from './collections.js';
import { AccountMismatchError } from './errors.js';
import { familyOf } from './rates.js';
import type { RoleOptions } from './roles.js';
import type { Scheduler } from './scheduler.js';
import { sdkPackage } from './sdk-package.js';
import type { ClientLoader, ClientScope, Document } from './types.js';

/** Static credentials, or a provider function as the SDK accepts them. */
export type Credentials =
  | { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }
  | (() => Promise<{
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken?: string;
      expiration?: Date;
    }>);

/** How SDK clients are configured; every field is optional and the SDK's own chain fills the rest. */
export interface ClientOptions extends RoleOptions {
  /** Region for ARNs that carry none (S3 buckets). Otherwise the ARN's region is used. */
  region?: string | undefined;
  /** One endpoint for every service (LocalStack: `http://127.0.0.1:4566`). S3 then uses path-style URLs. */
  endpoint?: string | undefined;
  /** Credentials for every call; without them the SDK's default chain (env, profile, SSO, IMDS) applies. */
  credentials?: Credentials | undefined;
  /** Credentials per account id, for runs across accounts (e.g. from an assumed role); used when it answers. */
  credentialsForAccount?: ((accountId: string) => Credentials | undefined) | undefined;
  /** Any other SDK client configuration (`maxAttempts`, `retryMode`, `requestHandler`, ...). */
  clientConfig?: Record<string, unknown> | undefined;
  /** Milliseconds to wait for a connection; `0` waits forever. Default 60,000 (the AWS CLI's 60 s). */
  connectTimeout?: number | undefined;
  /** Milliseconds to wait for an answer once connected; `0` waits forever. Default 60,000 (the AWS CLI's). */
  readTimeout?: number | undefined;
  /** The rate limits every request waits its turn in (each attempt of the SDK's retries too). */
  scheduler?: Scheduler | undefined;
  /**
   * Hears of each request that got no answer (a timeout, or no connection), once per attempt: what happened,
   * where, and the attempt. The CLI says it on standard error, so that a slow wait is never a silent one.
   */
  onUnanswered?: ((request: UnansweredRequest) => void) | undefined;
}

/** A request that got no answer, as `onUnanswered` hears of it. */
export interface UnansweredRequest {
  /** What happened, where: "no answer from https://sns.us-east-1.amazonaws.com within 60 s". */
  detail: string;
  /** The option that sets the wait it ran out of (`--read-timeout`, `--connect-timeout`), for a timeout. */
  option?: string | undefined;
  /** This attempt's number (from 1) and the most the SDK makes: a next attempt follows while it is lower. */
  attempt: number;
  maxAttempts: number;
}

/** The AWS CLI's default connect and read timeouts: 60 s each. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** The longest timer Node keeps (about 24.8 days); a longer timeout would fire at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

// 0 (or anything not a positive number) waits forever; longer than a timer can wait is as long as it can.
function bounded(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_TIMEOUT_MS) : 0;
}

/**
 * True when a client's requests go to a custom endpoint (LocalStack): the `endpoint` option, AWS_ENDPOINT_URL,
 * or the service's own AWS_ENDPOINT_URL_<SERVICE>.
 */
export function usesCustomEndpoint(config: Record<string, unknown>, service: string): boolean {
  const env = process.env;
  return Boolean(config.endpoint ?? env.AWS_ENDPOINT_URL ?? env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`]);
}

/** Counts the HTTP requests made inside {@link countCalls}, however the work inside is interleaved. */
interface CallCounter {
  calls: number;
  parent: CallCounter | undefined;
}
const callScope = new AsyncLocalStorage<CallCounter>();

// The caller's abort signal, for the waits unitag adds before a request (the SDK hands it to the HTTP handler only).
const signalScope = new AsyncLocalStorage<AbortSignal | undefined>();

/** Runs `task` with `signal` as the abort signal of the rate-limit waits of every request it makes. */
export function withSignal<T>(signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
  return signal ? signalScope.run(signal, task) : task();
}

// The account of the resources a task names by ARNs without one (S3 buckets), in a search across accounts.
const accountScope = new AsyncLocalStorage<string>();

/** Runs `task` acting in `account` for the ARNs it names that carry no account (S3 buckets). */
export function withAccount<T>(account: string, task: () => Promise<T>): Promise<T> {
  return account ? accountScope.run(account, task) : task();
}

/** Runs `task` and returns its result with the number of AWS requests it made (retries included). */
export async function countCalls<T>(task: () => Promise<T>): Promise<{ value: T; calls: number }> {
  // Scopes nest (a plan counts the listMany inside it): each request counts in every enclosing scope.
  const counter: CallCounter = { calls: 0, parent: callScope.getStore() };
  const value = await callScope.run(counter, task);
  return { value, calls: counter.calls };
}

/** A middleware as the SDK's stack takes it: around the next handler, with the command's context. */
type MiddlewareFn = (
  next: (args: unknown) => Promise<RawAnswer>,
  context: { commandName?: string },
) => (args: unknown) => Promise<RawAnswer>;

/** The HTTP request of one attempt, as the SDK's middleware sees it. */
interface SentRequest {
  protocol?: string;
  hostname?: string;
  port?: number;
  headers?: Record<string, string>;
}

interface Middleware {
  middlewareStack: {
    addRelativeTo(fn: MiddlewareFn, o: object): void;
    add(fn: MiddlewareFn, o: object): void;
  };
}

const sts = once(() => sdkPackage<typeof import('@aws-sdk/client-sts')>('@aws-sdk/client-sts'));
const stsLoader: ClientLoader<STSClient> = {
  id: 'sts',
  create: async (config) => new (await sts()).STSClient(config),
};

/**
 * Creates SDK clients on first use and keeps one per package, region and account. Counts every HTTP
 * attempt (retries included) in `calls`.
 */
export class ClientCache {
  /** HTTP requests sent so far, retries included. */
  calls = 0;
  readonly #clients = new Map<string, Promise<unknown>>();
  /** The account each credentials set acts in, by `partition|account` ('' for the tagger's own credentials). */
  readonly #accounts = new Map<string, Promise<string>>();
  readonly #options: ClientOptions;
  /** Credentials of other accounts (assumed roles, profiles). */
  readonly #roles: AccountCredentials;

  constructor(options: ClientOptions) {
    this.#options = options;
    this.#roles = new AccountCredentials(options, {
      sts: (region, key, credentials) =>
        this.#client(stsLoader, region, key, credentials ?? this.#options.credentials),
      callerAccount: (partition, signal) => this.account(partition, signal),
    });
  }

  /** The configured default region, from the options or the environment. */
  get defaultRegion(): string | undefined {
    return this.#options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  }

  /**
   * The client of `loader` for the scope's region (or the default) and account (or the account of
   * {@link withAccount} around the call, for an ARN that names none). For a service that names resources without
   * their account (`loader.namesWithoutAccount`), first checks that the credentials in use act in the scope's
   * account, and throws `AccountMismatch` when they do not.
   */
  async get<C>(loader: ClientLoader<C>, given: ClientScope, signal?: AbortSignal): Promise<C> {
    const scope = given.account ? given : { ...given, account: accountScope.getStore() ?? '' };
    const { region, account, credentials } = await this.#credentialsOf(scope, signal);
    if (loader.namesWithoutAccount && scope.account !== '') await this.#check(scope, signal);
    return this.#client(loader, region, account, credentials);
  }

  /**
   * Checks that the credentials the run uses in the scope's account act in it (one STS GetCallerIdentity per
   * credentials set), and throws `AccountMismatch` when they do not; a role that cannot be assumed throws too.
   */
  async checkAccount(scope: ClientScope, signal?: AbortSignal): Promise<void> {
    await this.#check(scope, signal);
  }

  /** The accounts of the run's accounts file (after its filter), when it has one. */
  get accounts(): readonly Account[] | undefined {
    return this.#options.accounts;
  }

  /** True when the run may act with other credentials than the caller's in some account (roles, accounts). */
  get acrossAccounts(): boolean {
    return this.#roles.acrossAccounts || this.#options.credentialsForAccount !== undefined;
  }

  async #check(scope: ClientScope, signal: AbortSignal | undefined): Promise<void> {
    const { region, account, credentials } = await this.#credentialsOf(scope, signal);
    // One STS call serves every caller of a credentials set: a caller's signal stops its own wait only.
    const stsRegion = region || PARTITIONS[scope.partition]?.globalRegion;
    const actual = await abortable(
      this.#callerAccount(scope.partition, stsRegion, account, credentials),
      signal,
    );
    if (actual !== scope.account) {
      throw new AccountMismatchError(
        `The ARN is in account ${scope.account}, but the credentials in use act in account ${actual}; this ` +
          `service names resources without their account, so unitag refuses rather than act on a resource of ` +
          `account ${actual}. Use credentials of account ${scope.account}, or give credentialsForAccount for it.`,
      );
    }
  }

  /** The region, the account key of the client cache ('' for the caller's credentials) and the credentials. */
  async #credentialsOf(scope: ClientScope, signal: AbortSignal | undefined) {
    // Without a region here the SDK's own chain (the profile's region) decides, or says none is configured.
    const region = scope.region || this.defaultRegion;
    const forAccount = scope.account
      ? (this.#options.credentialsForAccount?.(scope.account) ?? (await this.#roles.of(scope, signal)))
      : undefined;
    return {
      region,
      account: forAccount ? scope.account : '',
      credentials: forAccount ?? this.#options.credentials,
    };
  }

  /** The account the tagger's own credentials act in (one STS GetCallerIdentity, shared with the account check). */
  account(partition = 'aws', signal?: AbortSignal): Promise<string> {
    const region = this.defaultRegion || PARTITIONS[partition]?.globalRegion;
    return abortable(this.#callerAccount(partition, region, '', this.#options.credentials), signal);
  }

  // One STS GetCallerIdentity per credentials set (the tagger's, or credentialsForAccount's for one account).
  #callerAccount(
    partition: string,
    region: string | undefined,
    account: string,
    credentials: Credentials | undefined,
  ): Promise<string> {
    const key = `${partition}|${account}`;
    let known = this.#accounts.get(key);
    if (!known) {
      known = (async () => {
        const [client, { GetCallerIdentityCommand }] = await Promise.all([
          this.#client(stsLoader, region, account, credentials),
          sts(),
        ]);
        const out = await client.send(new GetCallerIdentityCommand({}));
        if (!out.Account) throw malformed('GetCallerIdentity', 'no Account');
        return out.Account;
      })();
      this.#accounts.set(key, known);
      // A failure (no credentials yet, a network error) is not remembered: the next call asks again.
      known.catch(() => this.#accounts.delete(key));
    }
    return known;
  }

  #client<C>(
    loader: ClientLoader<C>,
    region: string | undefined,
    account: string,
    credentials: Credentials | undefined,
  ): Promise<C> {
    const key = [loader.id, region ?? '', account].join('|');
    let client = this.#clients.get(key) as Promise<C> | undefined;
    if (!client) {
      client = this.#create(loader, region, account, credentials);
      this.#clients.set(key, client);
      // A failed import must not poison the cache.
      client.catch(() => this.#clients.delete(key));
    }
    return client;
  }

  /**
   * Each attempt (inside the SDK's retry loop, before it is signed, so a long wait never outlives a signature)
   * waits for a token of its family's bucket; a throttling answer halves the bucket's rate, a success wins a
   * little back.
   */
  #limitRate(client: Middleware, service: string, region: string, account: string): void {
    const scheduler = this.#options.scheduler;
    if (!scheduler) return;
    client.middlewareStack?.addRelativeTo(
      (next, context) => async (args) => {
        const family = familyOf(service, (context.commandName ?? '').replace(/Command$/, ''));
        const bucket = scheduler.bucket(family, account, region);
        if (!bucket) return next(args);
        await bucket.take(signalScope.getStore());
        try {
          const answer = await next(args);
          bucket.succeeded();
          return answer;
        } catch (error) {
          if (isThrottling(awsErrorName(error), httpStatus(error))) bucket.throttled();
          throw error;
        }
      },
      { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'unitagRateLimit' },
    );
  }

  async #create<C>(
    loader: ClientLoader<C>,
    region: string | undefined,
    account: string,
    credentials: Credentials | undefined,
  ) {
    const { endpoint, clientConfig, connectTimeout, readTimeout } = this.#options;
    const config: Record<string, unknown> = { ...clientConfig };
    // A request that is never answered must end: the SDK's handler only warns on its request timeout unless
    // told to throw. A requestHandler of the caller's own is left as it is.
    // The request timeout ends at the answer's headers: a body that stalls after them is bounded by the socket's
    // idle timeout, set to the same read timeout.
    const read = bounded(readTimeout ?? DEFAULT_TIMEOUT_MS);
    config.requestHandler ??= {
      connectionTimeout: bounded(connectTimeout ?? DEFAULT_TIMEOUT_MS),
      requestTimeout: read,
      socketTimeout: read,
      throwOnRequestTimeout: true,
    };
    if (region) config.region = region;
    if (endpoint) config.endpoint = endpoint;
    if (credentials) config.credentials = credentials;
    const client = await loader.create(config);
    this.#limitRate(client as unknown as Middleware, loader.id, region ?? '', account);
    // Reads and writes alike: a read's answer that is not the API's document must not read as "no tags", nor a
    // write's as "done".
    const documents: Readonly<Record<string, Document>> = { ...loader.reads, ...loader.writes };
    (client as unknown as Middleware).middlewareStack?.add(
      (next, context) => async (args) => {
        this.calls++;
        for (let scope = callScope.getStore(); scope; scope = scope.parent) scope.calls++;
        const answer = await next(args).catch((error: unknown) => {
          throw this.#unanswered(error, args);
        });
        const command = context.commandName ?? '';
        if (Object.hasOwn(documents, command)) {
          await requireDocument(answer, command.replace(/Command$/, ''), documents[command] as Document);
        }
        return answer;
      },
      // The deserialize step runs once per attempt, inside the retry loop; at low priority this runs inside
      // the SDK's deserializer, so it sees the raw answer before the SDK parses it.
      { step: 'deserialize', name: 'unitagCallCounter', priority: 'low' },
    );
    return client;
  }

  // Notes on a failed attempt's error the endpoint it went to, and tells `onUnanswered` of one that got no answer.
  #unanswered(error: unknown, args: unknown): unknown {
    const request = (args as { request?: SentRequest }).request;
    if (!request?.hostname) return error;
    const port = request.port ? `:${request.port}` : '';
    markEndpoint(error, `${request.protocol ?? 'https:'}//${request.hostname}${port}`);
    const onUnanswered = this.#options.onUnanswered;
    if (!onUnanswered || !isUnanswered(error)) return error;
    // The SDK's retry loop numbers each attempt in this header: "attempt=1; max=3".
    const [, attempt = '1', max = attempt] =
      /attempt=(\d+); max=(\d+)/.exec(request.headers?.['amz-sdk-request'] ?? '') ?? [];
    const { text, option } = unansweredDetail(error);
    onUnanswered({ detail: text, option, attempt: Number(attempt), maxAttempts: Number(max) });
    return error;
  }

  /** Closes every client's sockets. */
  async destroy(): Promise<void> {
    const clients = await Promise.allSettled(this.#clients.values());
    for (const c of clients) if (c.status === 'fulfilled') (c.value as { destroy?: () => void }).destroy?.();
    this.#clients.clear();
  }
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` fires. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
