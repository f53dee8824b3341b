// `--shard I/N` of apply, plan, find and check: the flag, and its value read when the command runs (the split is
// loaded then, never for --help). docs/shards.md says how the work is split and how a runner passes I and N.
import type { Shard } from '../jobs/shard.js';
import { Option } from './common.js';

/** `--shard I/N`, its help naming what is split. */
export function shardOption(what: string): Option {
  return new Option(
    '--shard <I/N>',
    `do only the I-th of N disjoint parts of ${what}, split by account, then region (I from 0 to N-1: AWS Batch's AWS_BATCH_JOB_ARRAY_INDEX, a GitHub matrix's strategy.job-index)`,
  );
}

/** The shard `--shard` names, or undefined without it; a bad value is a ConfigurationError (exit 2), before any call. */
export async function shardOf(value: string | undefined): Promise<Shard | undefined> {
  if (value === undefined) return undefined;
  const { parseShard } = await import('../jobs/shard.js');
  return parseShard(value);
}
