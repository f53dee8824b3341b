// `npm run bench:s3-race [-- ROUNDS]`: measures what docs/supported-resources.md says about S3's
// read-modify-write race.
// S3 replaces a resource's whole tag set on every write and has no conditional tagging write, so two writers
// that read the same set and each add their own key can overwrite each other. Within one process unitag
// serializes edits of one resource (every tagger shares one lock); across processes nothing can.
//
// Per round, on the embedded LocalStack, two writers each add 20 keys, one call per key, all at once, to one new
// bucket (40 keys, under the 50-tag limit):
//   (a) baseline: two taggers in this process            (b) two separate processes, one tagger each
// and the script prints the keys that survived and the share lost.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createBucket } from '../fixtures/aws-resources.js';
import { createTagger } from '../src/index.js';
import { startLocalStack } from '../src/localstack.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROUNDS = Number(process.argv[2] ?? 10);
const KEYS = 20;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

// One writer: KEYS tag calls of its own keys on `arn`, all started at once.
async function write(endpoint: string, arn: string, prefix: string): Promise<void> {
  const tagger = createTagger({ region: 'us-east-1', endpoint, credentials });
  await Promise.all(Array.from({ length: KEYS }, (_, i) => tagger.tag(arn, { [`${prefix}${i}`]: 'v' })));
  await tagger.destroy();
}

// As a child process: wait for the go signal on standard input, then write.
if (process.argv[2] === '--writer') {
  const [, , , endpoint = '', arn = '', prefix = ''] = process.argv;
  process.stdout.write('ready\n');
  process.stdin.once('data', () => {
    write(endpoint, arn, prefix).then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
} else {
  const localstack = await startLocalStack();
  const { endpoint, started } = localstack;
  const config = { region: 'us-east-1', endpoint, credentials };
  const reader = createTagger(config);
  const survivors = async (arn: string) => Object.keys(await reader.list(arn)).length;

  const inProcess = async () => {
    const arn = await createBucket(config, `race-a-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
    await Promise.all([write(endpoint, arn, 'a'), write(endpoint, arn, 'b')]);
    return survivors(arn);
  };

  const twoProcesses = async () => {
    const arn = await createBucket(config, `race-b-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
    const script = fileURLToPath(import.meta.url);
    const children = ['a', 'b'].map((prefix) =>
      spawn(process.execPath, ['--import', 'tsx', script, '--writer', endpoint, arn, prefix], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    // Both processes load and report ready before either writes, so their calls overlap.
    await Promise.all(children.map((child) => new Promise((resolve) => child.stdout?.once('data', resolve))));
    const exits = children.map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const child of children) child.stdin?.end('go\n');
    const codes = await Promise.all(exits);
    if (codes.some((code) => code !== 0)) throw new Error(`a writer failed: exit codes ${codes.join(', ')}`);
    return survivors(arn);
  };

  try {
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      a.push(await inProcess());
      b.push(await twoProcesses());
    }
    const written = 2 * KEYS * ROUNDS;
    const sum = (xs: number[]) => xs.reduce((n, x) => n + x, 0);
    const line = (name: string, kept: number[]) => {
      const lost = written - sum(kept);
      return `${name.padEnd(34)} ${String(sum(kept)).padStart(5)} / ${written}   lost ${String(lost).padStart(4)} (${((100 * lost) / written).toFixed(1)}%)   per round: ${kept.join(' ')}`;
    };
    console.log(
      `S3 bucket tag race, ${ROUNDS} rounds, 2 writers x ${KEYS} keys, one call per key, all at once`,
    );
    console.log(line('(a) two taggers in one process', a));
    console.log(line('(b) two processes', b));
    console.log(`keys kept, (b) / (a): ${(sum(b) / sum(a)).toFixed(2)}`);
  } finally {
    await reader.destroy();
    if (started) await localstack.stop();
  }
}
