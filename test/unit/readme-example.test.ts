// The worked example (docs/testing-with-localstack.md, linked from the README's quick start) is the code that
// test/e2e/consumer-project.test.ts runs: each of that page's code blocks whose first line names a file of
// examples/ must equal that file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url);
const page = readFileSync(new URL('docs/testing-with-localstack.md', root), 'utf8');
const blocks = [...page.matchAll(/```ts\n\/\/ (examples\/[^\n]+)\n([\s\S]*?)\n```/g)].map(
  ([, path, body]) => [path as string, body as string] as const,
);

describe('the worked example in docs/testing-with-localstack.md', () => {
  it('shows the example files', () => {
    expect(blocks.map(([path]) => path)).toEqual([
      'examples/localstack-vitest/test/global-setup.ts',
      'examples/localstack-vitest/test/setup.ts',
      'examples/localstack-vitest/src/orders.ts',
      'examples/localstack-vitest/test/orders.test.ts',
    ]);
  });

  it.each(blocks)('%s is the file as it is', (path, body) => {
    expect(body).toBe(readFileSync(new URL(path, root), 'utf8').trimEnd());
  });
});
