// A first hour on LocalStack without slow surprises (built CLI and library, on LocalStack): one resource is read
// with one call, never through the tagging API (which LocalStack answers with every resource it holds); once an
// answer holds ARNs not asked for, later reads go to the services' own calls; AWS's rates are off on a loopback
// endpoint, said once, and --max-rate aws brings them back.
import { describe, expect, it } from 'vitest';
import { createEc2, createQueue } from '../../fixtures/aws-resources.js';
import { awsConfig, localTagger, uniqueName, unitagOnLocalStack } from '../helpers.js';

const unitag = unitagOnLocalStack;

describe('LocalStack runs fast and says why', () => {
  it('lists one queue with one call, and says once that AWS rates are off on this machine', async () => {
    const arn = await createQueue(awsConfig(), uniqueName('speed'));
    const run = await unitag(['list', arn, '-o', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).calls).toBe(1);
    const notes = run.stderr.split('\n').filter((line) => line.includes('request rates are not applied'));
    expect(notes).toHaveLength(1);
    const paced = await unitag(['--max-rate', 'aws', 'list', arn, '-o', 'json']);
    expect(paced.code).toBe(0);
    expect(paced.stderr).not.toContain('request rates are not applied');
  });

  it('after one GetResources answer holding ARNs not asked for, reads go to the services own calls', async () => {
    const name = uniqueName('speedmany');
    const queues = await Promise.all([0, 1, 2, 3].map((i) => createQueue(awsConfig(), `${name}-${i}`)));
    const tagger = localTagger();
    await tagger.tagMany(queues, { run: name });
    // A tagged volume, which LocalStack's GetResources answers whatever it is asked: its answer names it.
    await tagger.tag(await createEc2(awsConfig(), 'volume'), { run: name });
    const first = await tagger.listMany(queues.slice(0, 2));
    expect(first.totals).toMatchObject({ read: 2, failed: 0 });
    const second = await tagger.listMany(queues.slice(2));
    expect(second.totals).toMatchObject({ read: 2, failed: 0 });
    expect(second.results.map((r) => r.tags)).toEqual([{ run: name }, { run: name }]);
    // One ListQueueTags each, no GetResources paging through the whole LocalStack.
    expect(second.calls).toBe(2);
    await tagger.destroy();
  });
});
