import { createRequire } from 'node:module';

// jmespath is loaded on the first `--query`, not when the CLI starts.
let jmespath: typeof import('jmespath') | undefined;

type Jmespath = typeof import('jmespath') & { compile(expression: string): unknown };

function load(): Jmespath {
  jmespath ??= createRequire(import.meta.url)('jmespath') as Jmespath;
  return jmespath as Jmespath;
}

/** What the JMESPath `expression` selects from `document`; throws on an expression that does not parse. */
export function search(document: unknown, expression: string): unknown {
  return load().search(document, expression);
}

/** Parses `expression` without running it; throws when it is not JMESPath. */
export function compile(expression: string): void {
  load().compile(expression);
}
