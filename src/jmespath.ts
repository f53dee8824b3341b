import { createRequire } from 'node:module';

// jmespath is loaded on the first `--query`, not when the CLI starts.
let jmespath: typeof import('jmespath') | undefined;

/** What the JMESPath `expression` selects from `document`; throws on an expression that does not parse. */
export function search(document: unknown, expression: string): unknown {
  jmespath ??= createRequire(import.meta.url)('jmespath') as typeof import('jmespath');
  return jmespath.search(document, expression);
}
