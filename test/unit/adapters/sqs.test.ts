import { ListQueueTagsCommand, SQSClient, TagQueueCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { mockClients, mockedTagger } from '../../mocks/sdk.js';

const { sqs } = mockClients({ sqs: SQSClient });
const tagger = () => mockedTagger();

describe('SQS', () => {
  it('builds the queue URL from the ARN, per partition, with no extra call', async () => {
    sqs.on(TagQueueCommand).resolves({});
    sqs.on(ListQueueTagsCommand).resolves({ Tags: { a: '1' } });
    await tagger().tag('arn:aws:sqs:eu-west-1:123456789012:jobs.fifo', { a: '1' });
    expect(await tagger().list('arn:aws-cn:sqs:cn-north-1:123456789012:jobs')).toEqual({ a: '1' });
    expect(sqs.calls()).toHaveLength(2);
    expect(sqs.commandCalls(TagQueueCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs.fifo',
      Tags: { a: '1' },
    });
    expect(sqs.commandCalls(ListQueueTagsCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/jobs',
    });
  });

  it('maps QueueDoesNotExist to ResourceNotFound', async () => {
    sqs.on(ListQueueTagsCommand).rejects(Object.assign(new Error('no queue'), { name: 'QueueDoesNotExist' }));
    await expect(tagger().list('arn:aws:sqs:eu-west-1:123456789012:gone')).rejects.toMatchObject({
      code: 'ResourceNotFound',
    });
  });
});
