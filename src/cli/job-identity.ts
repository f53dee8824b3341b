// Which job a report belongs to: a fingerprint of the job's bytes and of the account, region, endpoint and
// profile it runs against; and the check that a resumed report is this job's.
import { createReadStream } from 'node:fs';
import type { JobIdentity } from '../jobs/report.js';
import type { Earlier } from '../jobs/report-journal.js';
import type { Shard } from '../jobs/shard.js';
import type { Tagger } from '../tagger.js';
import { type GlobalOptions, UsageError } from './common.js';

/**
 * The identity of the job a report is written (or resumed) for, before the job's first read, naming the shard it
 * is of (`--shard`); a resumed report must be this job's and this shard's, unless `force` (`--force-resume`) takes
 * it anyway.
 */
export async function jobIdentity(
  tagger: Tagger,
  source: { text: string } | { path: string },
  global: GlobalOptions,
  resume: { earlier: Earlier | undefined; path: string | undefined; force: boolean | undefined },
  shard?: Shard,
): Promise<JobIdentity> {
  const { earlier, path, force } = resume;
  const job = await identify(tagger, await digest(source), global, earlier && !force ? path : undefined);
  if (shard) job.shard = { index: shard.index, count: shard.count };
  if (earlier && !force) checkResume(earlier, job, path as string);
  return job;
}

/** sha256 of the job's bytes, streamed. */
async function digest(source: { text: string } | { path: string }): Promise<string> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  if ('text' in source) return hash.update(source.text).digest('hex');
  for await (const chunk of createReadStream(source.path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * What a report belongs to: a fingerprint of the job's changes and of the account, region, endpoint and
 * profile it runs against (the account from STS, one call).
 */
async function identify(
  tagger: Tagger,
  job: string,
  global: GlobalOptions,
  resuming: string | undefined,
): Promise<JobIdentity> {
  const [{ printable }, { createHash }] = await Promise.all([import('./render.js'), import('node:crypto')]);
  const account = await callerAccount(tagger).catch((error: Error) => {
    // A resume must know the account to know the report is this job's: without it, it stops, and says why.
    if (resuming) {
      throw new IdentityError(
        `cannot check that ${resuming} belongs to this job: STS GetCallerIdentity failed 3 times (${printable(error.message)}). Run again, or add --force-resume to take the report without that check.`,
      );
    }
    // Without an answer from STS a new report's identity leaves the account out, and says so: the job still runs.
    process.stderr.write(
      `unitag: the report's job identity leaves out the account: ${printable(error.message)}\n`,
    );
    return undefined;
  });
  const region = global.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const endpoint = global.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  const profile = global.profile ?? process.env.AWS_PROFILE;
  const fingerprintOf = (account: string | undefined) =>
    createHash('sha256').update(JSON.stringify({ job, account, region, endpoint, profile })).digest('hex');
  const identity = { fingerprint: fingerprintOf(account), account, region, endpoint };
  // What the run that could not read its account wrote: the same job, here, is this one.
  withoutAccount.set(identity, fingerprintOf(undefined));
  return identity;
}

/** Each identity's fingerprint as it reads when the account is left out. */
const withoutAccount = new WeakMap<JobIdentity, string>();

/** The account the credentials act in, asked of STS up to three times (a fault in passing is not the answer). */
async function callerAccount(tagger: Tagger): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await tagger.account();
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}

/** The job's identity could not be read: the command stops before any write (exit 1). */
export class IdentityError extends Error {}

/** A report of another job, or of the same job elsewhere, is refused: resuming it would skip the wrong work. */
function checkResume(earlier: Earlier, job: JobIdentity, path: string): void {
  const theirs = earlier.job;
  if (theirs) checkShard(theirs.shard, job.shard, path);
  if (theirs?.fingerprint === job.fingerprint) return;
  // A report whose run could not read its account: the same job file, region, endpoint and profile is this job.
  if (theirs && theirs.account === undefined && theirs.fingerprint === withoutAccount.get(job)) return;
  const why = theirs
    ? `it belongs to another job, or to the same job in another account, region or endpoint (${theirs.account ?? '?'} ${theirs.region ?? ''})`
    : 'it does not say which job it belongs to (an older unitag wrote it)';
  throw new UsageError(`cannot resume from ${path}: ${why}. To take it anyway, add --force-resume.`);
}

/** A shard's report is resumed by that shard only: another's lines would end up in two reports, or in none. */
function checkShard(theirs: JobIdentity['shard'], ours: JobIdentity['shard'], path: string): void {
  const name = (shard: JobIdentity['shard']) =>
    shard ? `shard ${shard.index}/${shard.count}` : 'the whole job';
  if (name(theirs) === name(ours)) return;
  throw new UsageError(
    `cannot resume from ${path}: it is the report of ${name(theirs)}, and this run is of ${name(ours)}. Resume it with its own --shard, or add --force-resume to take it anyway.`,
  );
}
