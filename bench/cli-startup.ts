// `npm run bench:startup`: start-up cost of the CLI. Times `unitag list` of one SNS topic (built CLI, a new
// process each run) against a plain script making the same single SDK call, alternating, and prints medians
// and their ratio. Lazy client loading should keep the ratio near 1.
import { execFileSync } from 'node:child_process';
import { createTopic } from '../fixtures/aws-resources.js';
// @ts-expect-error: plain JavaScript module without types.
import { ensureLocalStack, stopLocalStack } from '../localstack/control.mjs';

const RUNS = Number(process.argv[2] ?? 15);
const { endpoint, started } = (await ensureLocalStack()) as { endpoint: string; started: boolean };
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: endpoint,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
try {
  const topic = await createTopic(
    { region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
    `startup-${Date.now().toString(36)}`,
  );
  const time = (args: string[]) => {
    const start = performance.now();
    execFileSync(process.execPath, args, { env, stdio: 'ignore' });
    return performance.now() - start;
  };
  const cli: number[] = [];
  const plain: number[] = [];
  time(['dist/src/cli.js', 'list', topic]); // warm the file cache once for both
  time(['bench/plain-list.mjs', topic]);
  for (let i = 0; i < RUNS; i++) {
    cli.push(time(['dist/src/cli.js', 'list', topic]));
    plain.push(time(['bench/plain-list.mjs', topic]));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const c = median(cli);
  const p = median(plain);
  console.log(`unitag list (one SNS topic), median of ${RUNS}: ${Math.round(c)} ms`);
  console.log(`plain script, same single SDK call:    ${Math.round(p)} ms`);
  console.log(`ratio unitag / plain: ${(c / p).toFixed(2)}`);
} finally {
  if (started) await stopLocalStack();
}
