// The baseline for bench/cli-startup.ts: the single SDK call `unitag list` of one SNS topic makes, and nothing else.
import { ListTagsForResourceCommand, SNSClient } from '@aws-sdk/client-sns';

const client = new SNSClient({});
const out = await client.send(new ListTagsForResourceCommand({ ResourceArn: process.argv[2] }));
for (const { Key, Value } of out.Tags ?? []) console.log(`${process.argv[2]}  ${Key}  ${Value}`);
