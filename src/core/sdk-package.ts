// How unitag loads the AWS SDK's packages.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * An SDK package, loaded with `require`: the SDK's packages are CommonJS (their `main`), and Node's `import()` of
 * one first scans the whole bundle for its named exports, which doubled the time five clients took to load (EC2's
 * bundle is 2 MB). The same module either way: Node shares one cache between the two.
 */
export function sdkPackage<T>(name: string): Promise<T> {
  return new Promise((resolve) => resolve(require(name) as T));
}
