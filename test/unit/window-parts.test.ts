// A window planned and written one account at a time: the parts, their merge back into the window's order, and a
// run in which one account's writes go out while another account's reads still wait.

import {
  ListTagsForResourceCommand,
  SNSClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/cli/pipeline.js';
import { accountOf, accountParts, mergeParts, type PartOut } from '../../src/cli/window-parts.js';
import { jobWindows } from '../../src/jobs/job-stream.js';
import type { Plan, PlanEntry } from '../../src/jobs/plan.js';
import type { Change } from '../../src/jobs/plan-change.js';
import { lineKey } from '../../src/jobs/report.js';
import { mockClients, mockedTagger } from '../mocks/sdk.js';

const { sns } = mockClients({ sns: SNSClient });
const A = '111111111111';
const B = '222222222222';
const topic = (account: string, name: string) => `arn:aws:sns:us-east-1:${account}:${name}`;

describe('accountParts', () => {
  it('reads the account field of an ARN, and none of a bucket or of text that is no ARN', () => {
    expect(accountOf(topic(A, 't'))).toBe(A);
    expect(accountOf('arn:aws:s3:::bucket/key:with:colons')).toBe('');
    expect(accountOf('arn:aws:iam::123456789012:role/x')).toBe('123456789012');
    expect(accountOf('arn:aws:sns')).toBe('');
    expect(accountOf('')).toBe('');
  });

  it('splits the changes by account, each part in file order', () => {
    const changes: Change[] = [
      { arn: topic(A, '1'), set: { k: '1' } },
      { arn: topic(B, '1'), set: { k: '1' } },
      { arn: 'arn:aws:s3:::bucket', set: { k: '1' } },
      { arn: topic(A, '2'), remove: ['k'] },
    ];
    expect(accountParts(changes)).toEqual([[changes[0], changes[3]], [changes[1]], [changes[2]]]);
  });

  it('keeps the window whole when a change copies from another account', () => {
    const changes: Change[] = [
      { arn: topic(A, '1'), set: { k: '1' } },
      { arn: topic(B, '1'), copyFrom: topic(A, '1') },
    ];
    expect(accountParts(changes)).toEqual([changes]);
    const same: Change[] = [{ arn: topic(A, '2'), copyFrom: { arn: topic(A, '1'), keys: ['k'] } }];
    expect(accountParts(same)).toEqual([same]);
  });

  it('merges parts back into the order one plan of the whole window has, totals and calls summed', () => {
    const arn = fc.record({
      account: fc.constantFrom(A, B, '333333333333', ''),
      name: fc.constantFrom('a', 'b', 'c', 'd'),
      version: fc.option(fc.constantFrom('v1', 'v2'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(arn, { minLength: 1, maxLength: 30 }), (specs) => {
        const changes: Change[] = specs.map(({ account, name, version }) => ({
          arn: account === '' ? `arn:aws:s3:::${name}` : topic(account, name),
          ...(version ? { versionId: version } : {}),
          set: { k: 'v' },
        }));
        const parts = accountParts(changes);
        // Every change in exactly one part, each part one account's.
        expect(parts.flat()).toHaveLength(changes.length);
        for (const part of parts) expect(new Set(part.map((c) => accountOf(c.arn))).size).toBe(1);
        const merged = mergeParts(parts.map(planOf), changes);
        const whole = planOf(changes);
        expect(merged.plan.entries.map(lineKey)).toEqual(whole.plan.entries.map(lineKey));
        expect(merged.results?.map(lineKey)).toEqual(whole.results?.map(lineKey));
        expect(merged.plan.totals).toEqual(whole.plan.totals);
        expect(merged.plan.calls).toBe(whole.plan.calls);
      }),
      { numRuns: 300 },
    );
  });
});

/** A plan as `plan` lists it (an entry per resource, in order of first naming; a call each) and its results. */
function planOf(changes: Change[]): PartOut {
  const entries = new Map<string, PlanEntry>();
  for (const { arn, versionId } of changes) {
    const entry: PlanEntry = { arn, versionId, status: 'change', set: { k: 'v' }, remove: [] };
    if (!entries.has(lineKey(entry))) entries.set(lineKey(entry), entry);
  }
  const list = [...entries.values()];
  const n = list.length;
  const plan: Plan = {
    entries: list,
    totals: { total: n, change: n, noop: 0, failed: 0, conflicts: 0 },
    calls: n,
  };
  return {
    plan,
    results: list.map(({ arn, versionId }) => ({ arn, versionId, outcome: 'changed' as const })),
  };
}

describe('runPipeline: a window one account at a time', () => {
  it("writes one account's resources while another account's reads still wait, and outputs the window in file order", async () => {
    // B's reads are answered only once A's first write has arrived: with the window planned whole, A's writes
    // would wait for B's reads, and the run would never end.
    let aWrote: () => void = () => {};
    const aWrites = new Promise<void>((resolve) => {
      aWrote = resolve;
    });
    const tags = new Map<string, Record<string, string>>();
    sns.on(ListTagsForResourceCommand).callsFake(async ({ ResourceArn }) => {
      if (accountOf(ResourceArn) === B) await aWrites;
      return { Tags: Object.entries(tags.get(ResourceArn) ?? {}).map(([Key, Value]) => ({ Key, Value })) };
    });
    sns
      .on(TagResourceCommand)
      .callsFake(({ ResourceArn, Tags }: { ResourceArn: string; Tags: { Key: string; Value: string }[] }) => {
        if (accountOf(ResourceArn) === A) aWrote();
        tags.set(ResourceArn, Object.fromEntries(Tags.map(({ Key, Value }) => [Key, Value])));
        return {};
      });
    sns.on(UntagResourceCommand).resolves({});
    const job = [topic(B, '1'), topic(A, '1'), topic(B, '2'), topic(A, '2')].map((arn) =>
      JSON.stringify({ arn, set: { team: 'x' } }),
    );
    const seen: string[] = [];
    let plan: Plan | undefined;
    const run = await runPipeline({
      tagger: mockedTagger({ preferTaggingApi: false, maxRates: false }),
      windows: jobWindows({ text: job.join('\n') }, 'ndjson', 10),
      signal: new AbortController().signal,
      planOnly: false,
      onBadLine: () => {},
      onWindow: async (out) => {
        plan = out.plan;
        for (const r of out.results ?? []) seen.push(`${r.arn}:${r.outcome}`);
      },
    });
    expect(run).toEqual({ badLines: 0, stopped: false, unwritten: 0 });
    const arns = job.map((line) => (JSON.parse(line) as Change).arn);
    expect(seen).toEqual(arns.map((arn) => `${arn}:changed`));
    expect(plan?.entries.map((e) => e.arn)).toEqual(arns);
    expect(plan?.totals).toEqual({ total: 4, change: 4, noop: 0, failed: 0, conflicts: 0 });
    for (const arn of arns) expect(tags.get(arn)).toEqual({ team: 'x' });
  });

  it("stopped while one account still reads: the other's writes go out, and only the stopped part counts as unwritten", async () => {
    // A's first write aborts the run, then answers B's reads: B's plan ends aborted, before any write of B's.
    const stop = new AbortController();
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    sns.on(ListTagsForResourceCommand).callsFake(async ({ ResourceArn }) => {
      if (accountOf(ResourceArn) === B) await released;
      return { Tags: [] };
    });
    sns.on(TagResourceCommand).callsFake(({ ResourceArn }: { ResourceArn: string }) => {
      if (accountOf(ResourceArn) === A) {
        stop.abort();
        release();
      }
      return {};
    });
    const job = [topic(A, '1'), topic(B, '1'), topic(B, '2')].map((arn) =>
      JSON.stringify({ arn, set: { team: 'x' } }),
    );
    const seen: string[] = [];
    const run = await runPipeline({
      tagger: mockedTagger({ preferTaggingApi: false, maxRates: false }),
      windows: jobWindows({ text: job.join('\n') }, 'ndjson', 10),
      signal: stop.signal,
      planOnly: false,
      onBadLine: () => {},
      onWindow: async (out) => {
        for (const r of out.results ?? []) seen.push(`${r.arn}:${r.outcome}`);
      },
    });
    expect(run).toEqual({ badLines: 0, stopped: true, unwritten: 2 });
    expect(seen).toEqual([`${topic(A, '1')}:changed`]);
    const written = sns.commandCalls(TagResourceCommand).map((c) => c.args[0].input.ResourceArn);
    expect(written).toEqual([topic(A, '1')]);
  });
});
