// `npx tsx bench/interrupt.ts [LINES] [AT]`: how soon the CLI ends after Ctrl-C late in a large job. Applies an
// EC2 job of LINES lines (default 1,000,000) against the rated fake AWS (bench/rated-aws.ts) at 50 times AWS's
// rates (the CPU, not the rates, then sets the pace), sends SIGINT once the report's journal holds about AT
// lines (default 80% of the job), and prints the time from the signal to the process's exit, which includes
// finishing the writes under way and turning the journal into the JSON report.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRatedAws } from './rated-aws.js';

const LINES = Number(process.argv[2] ?? 1_000_000);
const AT = Number(process.argv[3] ?? Math.floor(LINES * 0.8));
/** About the bytes one resource's line takes in the journal. */
const LINE_BYTES = 171;

const dir = mkdtempSync(join(tmpdir(), 'unitag-interrupt-'));
const fake = await startRatedAws({ rateScale: 50, latencyMs: 2 });
try {
  const arns = Array.from(
    { length: LINES },
    (_, i) => `arn:aws:ec2:us-east-1:123456789012:volume/vol-${i.toString(16).padStart(17, '0')}`,
  );
  fake.create(arns, { env: 'prod' });
  const job = join(dir, 'job.csv');
  writeFileSync(job, `arn,action,key,value\n${arns.map((a) => `${a},set,cost,cc`).join('\n')}\n`);
  const report = join(dir, 'report.json');
  const cli = new URL('../dist/bin/cli.js', import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    [cli, '--max-rate', 'aws', 'apply', job, '--report', report, '--output', 'json'],
    {
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: fake.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const journal = `${report}.journal`;
  while (!existsSync(journal) || statSync(journal).size < AT * LINE_BYTES) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const signalled = performance.now();
  child.kill('SIGINT');
  const code = await new Promise((resolve) => child.on('exit', resolve));
  const seconds = ((performance.now() - signalled) / 1000).toFixed(2);
  console.log(`SIGINT near ${AT} of ${LINES} lines: exit ${code} ${seconds} s after the signal`);
  console.log(`report ${(statSync(report).size / 1e6).toFixed(1)} MB`);
} finally {
  await fake.close();
}
