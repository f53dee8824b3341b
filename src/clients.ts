import { AsyncLocalStorage } from 'node:async_hooks';
import type { ParsedArn } from './arn.js';
import type { ClientLoader } from './types.js';

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
export interface ClientOptions {
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

/** Runs `task` and returns its result with the number of AWS requests it made (retries included). */
export async function countCalls<T>(task: () => Promise<T>): Promise<{ value: T; calls: number }> {
  // Scopes nest (a plan counts the listMany inside it): each request counts in every enclosing scope.
  const counter: CallCounter = { calls: 0, parent: callScope.getStore() };
  const value = await callScope.run(counter, task);
  return { value, calls: counter.calls };
}

interface Middleware {
  middlewareStack: {
    add(
      fn: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      o: object,
    ): void;
  };
}

/**
 * Creates SDK clients on first use and keeps one per package, region and account. Counts every HTTP
 * attempt (retries included) in `calls`.
 */
export class ClientCache {
  /** HTTP requests sent so far, retries included. */
  calls = 0;
  readonly #clients = new Map<string, Promise<unknown>>();
  readonly #options: ClientOptions;

  constructor(options: ClientOptions) {
    this.#options = options;
  }

  /** The configured default region, from the options or the environment. */
  get defaultRegion(): string | undefined {
    return this.#options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  }

  /** The client of `loader` for `region` (or the ARN's region, or the default) and the ARN's account. */
  get<C>(loader: ClientLoader<C>, arn: ParsedArn, region?: string): Promise<C> {
    const resolvedRegion = region || arn.region || this.defaultRegion;
    const accountCredentials = arn.accountId
      ? this.#options.credentialsForAccount?.(arn.accountId)
      : undefined;
    const key = [loader.id, resolvedRegion ?? '', accountCredentials ? arn.accountId : ''].join('|');
    let client = this.#clients.get(key) as Promise<C> | undefined;
    if (!client) {
      client = this.#create(loader, resolvedRegion, accountCredentials ?? this.#options.credentials);
      this.#clients.set(key, client);
      // A failed import must not poison the cache.
      client.catch(() => this.#clients.delete(key));
    }
    return client;
  }

  async #create<C>(
    loader: ClientLoader<C>,
    region: string | undefined,
    credentials: Credentials | undefined,
  ) {
    const { endpoint, clientConfig } = this.#options;
    const config: Record<string, unknown> = { ...clientConfig };
    if (region) config.region = region;
    if (endpoint) config.endpoint = endpoint;
    if (credentials) config.credentials = credentials;
    const client = await loader.create(config);
    (client as unknown as Middleware).middlewareStack?.add(
      (next) => (args) => {
        this.calls++;
        for (let scope = callScope.getStore(); scope; scope = scope.parent) scope.calls++;
        return next(args);
      },
      // The deserialize step runs once per attempt, inside the retry loop.
      { step: 'deserialize', name: 'unitagCallCounter', priority: 'low' },
    );
    return client;
  }

  /** Closes every client's sockets. */
  async destroy(): Promise<void> {
    const clients = await Promise.allSettled(this.#clients.values());
    for (const c of clients) if (c.status === 'fulfilled') (c.value as { destroy?: () => void }).destroy?.();
    this.#clients.clear();
  }
}
