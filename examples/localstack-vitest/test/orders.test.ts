import { describe, expect, inject, it } from 'vitest';
import { createPipeline, handOver } from '../src/orders.js';

const aws = {
  region: 'us-east-1',
  endpoint: inject('endpoint'),
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
};
const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

describe('order pipeline', () => {
  it('tags the topic and the queue it creates', async () => {
    const { topic, queue } = await createPipeline(aws, unique('orders'), 'payments');
    await expect(topic).toHaveTags({ team: 'payments', stage: 'test' });
    await expect(queue).toHaveTagKeys(['team', 'project', 'stage']);
    await expect(queue).not.toHaveTags({ team: 'search' });
  });

  it('a hand-over changes the team and keeps every other tag', async () => {
    const name = unique('refunds');
    const { topic, queue } = await createPipeline(aws, name, 'payments');
    await handOver(aws, [topic, queue], 'billing');
    await expect(topic).toHaveExactTags({ team: 'billing', project: name, stage: 'test' });
    await expect(queue).toHaveExactTags({ team: 'billing', project: name, stage: 'test' });
  });
});
