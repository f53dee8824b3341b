import { Engine, type EngineOptions } from './engine.js';
import type { CallOptions, Tags } from './types.js';

/** Options of {@link createTagger}. All optional: the SDK's own configuration chain fills what is missing. */
export interface TaggerOptions extends EngineOptions {
  /** How many resources bulk operations work on at once. Default 16. */
  concurrency?: number | undefined;
}

/** Tags, untags and lists AWS resources by ARN, whatever the service. */
export interface Tagger {
  /**
   * Adds or overwrites the named tags; every other tag on the resource stays as it is. An empty map makes no
   * call. Invalid input throws a `UnitagError` (`InvalidArn`, `InvalidTag`, `ReservedKey`,
   * `TagLimitExceeded`, `UnsupportedResource`) before any AWS call.
   *
   * @example
   * await tagger.tag('arn:aws:sns:us-east-1:123456789012:orders', { project: 'QuarkEagle', stage: 'beta' });
   */
  tag(arn: string, tags: Tags, options?: CallOptions): Promise<void>;
  /**
   * Removes the named keys; a key the resource does not carry is not an error. An empty list makes no call.
   *
   * @example
   * await tagger.untag('arn:aws:sns:us-east-1:123456789012:orders', ['stage']);
   */
  untag(arn: string, keys: string[], options?: CallOptions): Promise<void>;
  /**
   * The resource's user tags as a plain object (`{}` when it has none). A failed read throws; it is never
   * reported as "no tags".
   *
   * @example
   * const tags = await tagger.list('arn:aws:sns:us-east-1:123456789012:orders'); // { project: 'QuarkEagle' }
   */
  list(arn: string, options?: CallOptions): Promise<Tags>;
  /** HTTP requests sent to AWS so far by this tagger, retries included. */
  readonly calls: number;
  /** Closes the SDK clients' connections. */
  destroy(): Promise<void>;
}

/**
 * Creates a tagger. SDK clients are loaded on first use and cached per service, region and account.
 *
 * @example
 * const tagger = createTagger({ endpoint: 'http://127.0.0.1:4566' }); // LocalStack
 * await tagger.tag('arn:aws:sqs:us-east-1:000000000000:jobs', { team: 'payments' });
 */
export function createTagger(options: TaggerOptions = {}): Tagger {
  const engine = new Engine(options);
  return {
    async tag(arn, tags, callOptions) {
      await engine.tag(arn, tags, callOptions);
    },
    async untag(arn, keys, callOptions) {
      await engine.untag(arn, keys, callOptions);
    },
    list: (arn, callOptions) => engine.list(arn, callOptions),
    get calls() {
      return engine.clients.calls;
    },
    destroy: () => engine.clients.destroy(),
  };
}
