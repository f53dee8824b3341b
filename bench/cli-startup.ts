// `npm run bench:startup`: start-up cost of the CLI, built, a new process each run, alternating, as medians.
// First (no LocalStack needed): `unitag --version`, `unitag --help`, `unitag tag --help` and
// `unitag apply --help` against `node -e 0`, with their ratios; help should load nothing a command needs only
// to run. Then `unitag list` of one SNS topic against a plain script making the same single SDK call (starts
// LocalStack when it is not running; skipped with --no-localstack). Lazy client loading should keep that ratio
// near 1. Usage: tsx bench/cli-startup.ts [RUNS] [--no-localstack]
import { execFileSync } from 'node:child_process';

const flags = process.argv.slice(2);
const withLocalStack = !flags.includes('--no-localstack');
const RUNS = Number(flags.find((a) => !a.startsWith('--')) ?? 15);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const time = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
  const start = performance.now();
  execFileSync(process.execPath, args, { env, stdio: 'ignore' });
  return performance.now() - start;
};

/** Runs each case `RUNS` times, the cases alternating (after one warm-up each); their medians, by name. */
function medians(cases: Record<string, string[]>, env?: NodeJS.ProcessEnv): Record<string, number> {
  const times: Record<string, number[]> = {};
  for (const [name, args] of Object.entries(cases)) {
    time(args, env); // warm the file cache
    times[name] = [];
  }
  for (let i = 0; i < RUNS; i++) {
    for (const [name, args] of Object.entries(cases)) times[name]?.push(time(args, env));
  }
  return Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, median(xs)]));
}

// Without LocalStack: the CLI's own start-up, against Node's.
const cli = 'dist/bin/cli.js';
const startup = medians({
  'node -e 0': ['-e', '0'],
  'unitag --version': [cli, '--version'],
  'unitag --help': [cli, '--help'],
  'unitag tag --help': [cli, 'tag', '--help'],
  'unitag apply --help': [cli, 'apply', '--help'],
});
const node = startup['node -e 0'] as number;
console.log(`start-up, median of ${RUNS} runs each:`);
for (const [name, ms] of Object.entries(startup)) {
  const ratio = name === 'node -e 0' ? '' : `  ratio ${(ms / node).toFixed(2)}`;
  console.log(`  ${name.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms${ratio}`);
}

if (withLocalStack) {
  // With LocalStack: one real command, against a plain script making the same single SDK call.
  // The SDK's notice that its 2027 releases need Node 22 is noise here too (the children have it off).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { createTopic } = await import('../fixtures/aws-resources.js');
  const { startLocalStack } = await import('../src/localstack.js');
  const localstack = await startLocalStack();
  const { endpoint, started } = localstack;
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
    const { cli: c = 0, plain: p = 0 } = medians(
      { cli: [cli, 'list', topic], plain: ['bench/plain-list.mjs', topic] },
      env,
    );
    console.log(`unitag list (one SNS topic), median of ${RUNS}: ${Math.round(c)} ms`);
    console.log(`plain script, same single SDK call:    ${Math.round(p)} ms`);
    console.log(`ratio unitag / plain: ${(c / p).toFixed(2)}`);
  } finally {
    if (started) await localstack.stop();
  }
}
