// The rated fake AWS (bench/rated-aws.ts) in a process of its own, so that a benchmark measures unitag without
// the fake's work on the same thread. `startRatedAwsProcess` forks this file; the parent drives the fake through
// messages: each method of RatedAws that a benchmark calls, awaited.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RateLimit } from '../src/core/rates.js';
import { type OperationCount, type RatedAws, type RatedAwsOptions, startRatedAws } from './rated-aws.js';

/** The methods a benchmark calls on a fake in another process. */
export interface RemoteRatedAws {
  endpoint: string;
  create(arns: string[], tags?: Record<string, string>, owner?: string): Promise<void>;
  counts(account?: string): Promise<Record<string, OperationCount>>;
  familyCounts(account?: string): Promise<Record<string, OperationCount>>;
  unknown(): Promise<Record<string, number>>;
  rateOf(family: string): Promise<RateLimit>;
  reset(): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

type Method = 'create' | 'counts' | 'familyCounts' | 'unknown' | 'rateOf' | 'reset' | 'clear';
interface Call {
  id: number;
  method: Method;
  args: unknown[];
}
interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/** Starts the fake in a child process (node with tsx) and answers once it listens. */
export async function startRatedAwsProcess(options: RatedAwsOptions = {}): Promise<RemoteRatedAws> {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { endpoint: string }).endpoint));
    child.once('exit', (code) => reject(new Error(`the fake's process ended (${code}) before it listened`)));
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  // A fake that ends under way fails what waits on it, instead of leaving the benchmark waiting forever.
  child.on('exit', (code, signal) => {
    for (const call of waiting.values())
      call.reject(new Error(`the fake's process ended (${signal ?? code})`));
    waiting.clear();
  });
  child.on('message', (m) => {
    const reply = m as Reply;
    const call = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.error !== undefined) call?.reject(new Error(reply.error));
    else call?.resolve(reply.result);
  });
  const send = <T>(method: Method, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, method, args } satisfies Call);
    });
  return {
    endpoint,
    create: (arns, tags, owner) => send('create', arns, tags, owner),
    counts: (account) => send('counts', account),
    familyCounts: (account) => send('familyCounts', account),
    unknown: () => send('unknown'),
    rateOf: (family) => send('rateOf', family),
    reset: () => send('reset'),
    clear: () => send('clear'),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** In the child: start the fake, say its endpoint, answer calls until the parent goes. */
async function serve(): Promise<void> {
  const fake: RatedAws = await startRatedAws(JSON.parse(process.argv[2] ?? '{}') as RatedAwsOptions);
  process.on('message', (m) => {
    const { id, method, args } = m as Call;
    try {
      // JSON carries an argument left out (undefined) as null: none of these methods takes null.
      const given = args.map((arg) => arg ?? undefined);
      const result = (fake[method] as (...a: unknown[]) => unknown)(...given);
      process.send?.({ id, result } satisfies Reply);
    } catch (error) {
      process.send?.({ id, error: String(error) } satisfies Reply);
    }
  });
  process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
  process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
  process.send?.({ endpoint: fake.endpoint });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await serve();
