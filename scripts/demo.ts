// `npm run demo`: starts the embedded LocalStack (unless one is running), creates an SNS topic, an SQS queue
// and a Lambda function, then tags, lists and untags them through unitag and prints what it saw.
// @ts-expect-error: plain JavaScript module without types.
import { ensureLocalStack, stopLocalStack } from '../localstack/control.mjs';
import { createTagger } from '../src/index.js';
import { createFunction, createQueue, createTopic } from '../test/resources.js';

const { endpoint, started } = (await ensureLocalStack()) as { endpoint: string; started: boolean };
const config = {
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
};
const suffix = Date.now().toString(36);
try {
  const arns = await Promise.all([
    createTopic(config, `demo-orders-${suffix}`),
    createQueue(config, `demo-jobs-${suffix}`),
    createFunction(config, `demo-fn-${suffix}`),
  ]);
  const tagger = createTagger(config);
  for (const arn of arns) {
    await tagger.tag(arn, { project: 'QuarkEagle', stage: 'beta', owner: 'platform' });
    const tagged = await tagger.list(arn);
    await tagger.untag(arn, ['stage']);
    const untagged = await tagger.list(arn);
    console.log(arn);
    console.log(`  after tag:   ${JSON.stringify(tagged)}`);
    console.log(`  after untag: ${JSON.stringify(untagged)}`);
  }
  console.log(`\n${tagger.calls} AWS calls against ${endpoint}.`);
  console.log(
    'Against a real account: createTagger() with no endpoint uses your AWS credentials and region.',
  );
  await tagger.destroy();
} finally {
  if (started) await stopLocalStack();
}
