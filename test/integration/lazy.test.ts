import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTopic } from '../../fixtures/aws-resources.js';
import { awsConfig, uniqueName } from '../helpers.js';

const run = promisify(execFile);

// Runs `code` in a fresh Node process and returns the AWS client packages it loaded.
async function clientsLoaded(code: string): Promise<string[]> {
  const { stderr } = await run(
    process.execPath,
    ['--import', 'tsx', '--import', './test/fixtures/trace-imports.mjs', '--input-type=module', '-e', code],
    { cwd: new URL('../..', import.meta.url).pathname },
  );
  return [
    ...new Set(
      stderr
        .split('\n')
        .filter((l) => l.startsWith('LOADED '))
        .map((l) => l.slice(7)),
    ),
  ].sort();
}

describe('lazy client loading', () => {
  it('importing unitag loads no AWS client', async () => {
    expect(await clientsLoaded(`await import('./src/index.ts');`)).toEqual([]);
  });

  it('tagging one SNS topic loads the SNS client and no other', async () => {
    const topic = await createTopic(awsConfig(), uniqueName('lazy'));
    const config = JSON.stringify(awsConfig());
    const loaded = await clientsLoaded(`
      const { createTagger } = await import('./src/index.ts');
      const tagger = createTagger(${config});
      await tagger.tag('${topic}', { lazy: 'yes' });
      if ((await tagger.list('${topic}')).lazy !== 'yes') throw new Error('not tagged');
    `);
    expect(loaded).toEqual(['client-sns']);
  });
});
