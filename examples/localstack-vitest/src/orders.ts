// The code under test: it creates an order pipeline's topic and queue, and tags both for cost allocation and
// access control through unitag.
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createTagger } from 'unitag';

export interface Aws {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Creates the pipeline's topic and queue, tags them `team`, `project` and `stage`, and returns their ARNs. */
export async function createPipeline(
  aws: Aws,
  name: string,
  team: string,
): Promise<{ topic: string; queue: string }> {
  const sns = new SNSClient(aws);
  const sqs = new SQSClient(aws);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${name}-events` }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-work` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  sns.destroy();
  sqs.destroy();
  const arns = { topic: TopicArn as string, queue: Attributes?.QueueArn as string };
  const tagger = createTagger(aws);
  const report = await tagger.tagMany([arns.topic, arns.queue], { team, project: name, stage: 'test' });
  await tagger.destroy();
  if (report.totals.failed > 0) throw new Error(`tagging failed: ${JSON.stringify(report.results)}`);
  return arns;
}

/** Hands the pipeline to another team: `team` changes, nothing else does. */
export async function handOver(aws: Aws, arns: string[], team: string): Promise<void> {
  const tagger = createTagger(aws);
  await tagger.tagMany(arns, { team });
  await tagger.destroy();
}
