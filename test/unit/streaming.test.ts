// Jobs read and run as streams: windows of a job file, the pipeline over them, and the report's journal.

import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ListTagsForResourceCommand,
  SNSClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { prepass, runPipeline } from '../../src/cli/pipeline.js';
import { SeenFilter } from '../../src/cli/seen-filter.js';
import { jobWindows } from '../../src/jobs/job-stream.js';
import type { WriteResult } from '../../src/jobs/report.js';
import { lineKey } from '../../src/jobs/report.js';
import { ReportFile } from '../../src/jobs/report-file.js';
import { doneKey, keyHash, readEarlier } from '../../src/jobs/report-journal.js';
import { awsError, mockClients, mockedTagger } from '../mocks/sdk.js';

const { sns } = mockClients({ sns: SNSClient });
const dir = mkdtempSync(join(tmpdir(), 'unitag-stream-'));
const topic = (i: number) => `arn:aws:sns:us-east-1:123456789012:s${i}`;
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('jobWindows', () => {
  it('cuts NDJSON into windows, numbering bad lines as in the whole file', async () => {
    const lines = [1, 2, 3, 4, 5].map((i) => JSON.stringify({ arn: topic(i), set: { k: `${i}` } }));
    lines.splice(3, 0, '{oops');
    const windows = await all(jobWindows({ path: file('a.ndjson', lines.join('\n')) }, 'ndjson', 2));
    expect(windows.map((w) => w.changes.map((c) => c.arn))).toEqual([
      [topic(1), topic(2)],
      [topic(3)],
      [topic(4), topic(5)],
    ]);
    expect(windows.flatMap((w) => w.errors)).toEqual([
      { line: 4, message: expect.stringMatching(/not JSON/) },
    ]);
  });

  it("keeps the header for every CSV window and a resource's consecutive rows in one window", async () => {
    const csv = [
      '\uFEFFarn,action,key,value',
      `${topic(1)},set,a,1`,
      `${topic(1)},set,b,2`,
      `${topic(1)},remove,c,`,
    ];
    csv.push(`${topic(2)},set,a,1`, `${topic(3)},bogus,a,1`);
    const windows = await all(jobWindows({ path: file('a.csv', csv.join('\r\n')) }, 'csv', 1));
    expect(windows[0]?.changes).toEqual([{ arn: topic(1), set: { a: '1', b: '2' }, remove: ['c'] }]);
    expect(windows[1]?.changes.map((c) => c.arn)).toEqual([topic(2)]);
    expect(windows.flatMap((w) => w.errors)).toEqual([
      { line: 6, message: expect.stringMatching(/unknown action/) },
    ]);
  });

  it("hands the check each line's number in the whole file, so that a run can leave out the lines a first reading refused", async () => {
    const csv = [
      'arn,key,value',
      '',
      `${topic(1)},a,1`,
      `${topic(1)},b,2`,
      `${topic(2)},a,1`,
      `${topic(3)},a,1`,
    ];
    const ndjson = [1, 2, 3, 4].map((i) => JSON.stringify({ arn: topic(i), set: { k: 'v' } }));
    ndjson.splice(1, 0, '');
    for (const [format, text, refused, kept] of [
      ['csv', csv.join('\n'), 4, [topic(1), topic(2), topic(3)]],
      ['ndjson', ndjson.join('\n'), 4, [topic(1), topic(2), topic(4)]],
    ] as const) {
      const checked: number[] = [];
      const windows = await all(
        jobWindows({ text }, format, 1, (change, line) => {
          checked.push(line);
          return line === refused ? `refused ${change.arn}` : undefined;
        }),
      );
      expect(checked).toEqual(format === 'csv' ? [3, 4, 5, 6] : [1, 3, 4, 5]);
      expect(windows.flatMap((w) => w.errors)).toEqual([
        { line: refused, message: expect.stringMatching(/^refused/) },
      ]);
      expect(windows.flatMap((w) => w.changes.map((c) => c.arn))).toEqual(kept);
    }
  });

  it('says once, at its line, that a CSV header is wrong', async () => {
    const windows = await all(jobWindows({ text: `\n\nfoo,bar\n${topic(1)},x\n` }, 'csv', 10));
    expect(windows).toEqual([
      { changes: [], errors: [{ line: 3, message: expect.stringMatching(/header/) }] },
    ]);
  });

  it('reads a JSON array whole and cuts it into windows of changes', async () => {
    const changes = [1, 2, 3].map((i) => ({ arn: topic(i), set: { k: 'v' } }));
    const windows = await all(jobWindows({ text: JSON.stringify(changes) }, 'json', 2));
    expect(windows.map((w) => w.changes.length)).toEqual([2, 1]);
  });
});

describe('runPipeline', () => {
  it('applies a resource named again in a later window after the earlier window, in file order', async () => {
    const tags = new Map<string, Record<string, string>>();
    sns.on(ListTagsForResourceCommand).callsFake(({ ResourceArn }) => ({
      Tags: Object.entries(tags.get(ResourceArn) ?? {}).map(([Key, Value]) => ({ Key, Value })),
    }));
    sns.on(TagResourceCommand).callsFake(({ ResourceArn, Tags }) => {
      const now = { ...(tags.get(ResourceArn) ?? {}) };
      for (const { Key, Value } of Tags) now[Key] = Value;
      tags.set(ResourceArn, now);
      return {};
    });
    sns.on(UntagResourceCommand).callsFake(({ ResourceArn, TagKeys }) => {
      const now = { ...(tags.get(ResourceArn) ?? {}) };
      for (const key of TagKeys) delete now[key];
      tags.set(ResourceArn, now);
      return {};
    });
    const lines = [
      { arn: topic(1), set: { a: '1' } },
      { arn: topic(2), set: { a: '1' } },
      { arn: topic(1), remove: ['a'] }, // window 2: must see window 1's write
      { arn: topic(1), set: { a: '3' } }, // window 2 too: merged with the line before, in order
      { arn: topic(3), set: { z: '1' } },
    ].map((c) => JSON.stringify(c));
    const tagger = mockedTagger({ preferTaggingApi: false, maxRates: false });
    const order: string[] = [];
    const run = await runPipeline({
      tagger,
      windows: jobWindows({ text: lines.join('\n') }, 'ndjson', 2),
      signal: new AbortController().signal,
      planOnly: false,
      onBadLine: () => {},
      onWindow: async (out) => {
        for (const r of out.results ?? []) order.push(`${r.arn.slice(-2)}:${r.outcome}`);
      },
    });
    expect(run).toEqual({ badLines: 0, stopped: false, unwritten: 0 });
    expect(order).toEqual(['s1:changed', 's2:changed', 's1:changed', 's3:changed']);
    expect(tags.get(topic(1))).toEqual({ a: '3' });
  });

  it("plans a resource named again in a later window from the earlier window's planned tags, read once", async () => {
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'keep', Value: 'k' }] });
    const lines = [
      { arn: topic(1), set: { a: '1' } },
      { arn: topic(2), set: { b: '1' } },
      { arn: topic(1), remove: ['a'] }, // window 2: nothing was written, so it starts from window 1's plan
      { arn: topic(1), set: { c: '1' } },
      { arn: topic(3), set: { z: '1' } },
      'not json',
    ].map((c) => (typeof c === 'string' ? c : JSON.stringify(c)));
    const text = lines.join('\n');
    const tagger = mockedTagger({ preferTaggingApi: false, maxRates: false });
    const bad: number[] = [];
    const first = await prepass(jobWindows({ text }, 'ndjson', 2), (line) => bad.push(line));
    expect(first).toEqual({ badLines: 1, changes: 5, repeated: new Set([topic(1)]), bad: new Set([6]) });
    expect(bad).toEqual([6]);
    const afters: Record<string, string>[] = [];
    await runPipeline({
      tagger,
      windows: jobWindows({ text }, 'ndjson', 2),
      signal: new AbortController().signal,
      planOnly: true,
      repeated: first.repeated,
      onBadLine: () => {},
      onWindow: async (out) => {
        for (const e of out.plan.entries) if (e.arn === topic(1)) afters.push({ ...e.after });
      },
    });
    expect(afters).toEqual([
      { keep: 'k', a: '1' },
      { keep: 'k', c: '1' },
    ]);
    const reads = sns.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.ResourceArn);
    expect(reads.filter((arn) => arn === topic(1))).toHaveLength(1);
    expect(sns.commandCalls(TagResourceCommand)).toHaveLength(0);
  });

  it('skips what a resumed run did, reading none of it', async () => {
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    sns.on(TagResourceCommand).resolves({});
    const lines = [1, 2, 3].map((i) => JSON.stringify({ arn: topic(i), set: { k: 'v' } }));
    const results: WriteResult[] = [];
    await runPipeline({
      tagger: mockedTagger({ preferTaggingApi: false, maxRates: false }),
      windows: jobWindows({ text: lines.join('\n') }, 'ndjson', 10),
      signal: new AbortController().signal,
      planOnly: false,
      done: new Set([keyHash(lineKey({ arn: topic(2) }))]),
      onBadLine: () => {},
      onWindow: async (out) => {
        results.push(...(out.results ?? []));
      },
    });
    expect(results.map((r) => r.arn)).toEqual([topic(1), topic(3)]);
    expect(
      sns.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.ResourceArn),
    ).not.toContain(topic(2));
  });
});

describe('runPipeline: what is done is a write of a window, not a resource', () => {
  /** A stateful SNS: tags per topic, each TagResource applied in the order it comes. */
  function statefulSns(): Map<string, Record<string, string>> {
    const tags = new Map<string, Record<string, string>>();
    sns.on(ListTagsForResourceCommand).callsFake(({ ResourceArn }) => ({
      Tags: Object.entries(tags.get(ResourceArn) ?? {}).map(([Key, Value]) => ({ Key, Value })),
    }));
    sns.on(TagResourceCommand).callsFake(({ ResourceArn, Tags }) => {
      const now = { ...(tags.get(ResourceArn) ?? {}) };
      for (const { Key, Value } of Tags) now[Key] = Value;
      tags.set(ResourceArn, now);
      return {};
    });
    return tags;
  }
  // topic 1 at line 1 (env=first) and line 3 (env=second): windows of 2 lines put them in windows 1 and 2.
  const lines = [
    { arn: topic(1), set: { env: 'first' } },
    { arn: topic(2), set: { k: 'v' } },
    { arn: topic(1), set: { env: 'second', b: '2' } },
  ]
    .map((c) => JSON.stringify(c))
    .join('\n');
  const run = (done?: Set<string>) => {
    const results: WriteResult[] = [];
    const recorded: WriteResult[] = [];
    const finished = runPipeline({
      tagger: mockedTagger({ preferTaggingApi: false, maxRates: false, retryFor: 0 }),
      windows: jobWindows({ text: lines }, 'ndjson', 2),
      signal: new AbortController().signal,
      planOnly: false,
      done,
      repeated: new Set([topic(1)]),
      onBadLine: () => {},
      onResult: (r) => recorded.push({ ...r }),
      onWindow: async (out) => {
        results.push(...(out.results ?? []));
      },
    });
    return finished.then(() => ({ results, recorded }));
  };

  it("a resume that finds a resource's first window done applies its later window's line", async () => {
    // Prepare: the earlier run did window 1 (both resources) and was killed before window 2.
    const tags = statefulSns();
    tags.set(topic(1), { env: 'first' });
    tags.set(topic(2), { k: 'v' });
    const done = new Set([doneKey({ arn: topic(1), window: 1 }), doneKey({ arn: topic(2), window: 1 })]);
    // Act
    const { results, recorded } = await run(done);
    // Assess
    expect(results.map((r) => [r.arn, r.window, r.outcome])).toEqual([[topic(1), 2, 'changed']]);
    expect(recorded.map((r) => r.window)).toEqual([2]);
    expect(tags.get(topic(1))).toEqual({ env: 'second', b: '2' });
  });

  it('a failed write holds the later lines of its resource (no call), and a resume applies all of them in order', async () => {
    // Prepare: the first TagResource of topic 1 is refused.
    const tags = statefulSns();
    sns
      .on(TagResourceCommand, { ResourceArn: topic(1) })
      .rejectsOnce(awsError('AuthorizationError', 403))
      .callsFake(({ ResourceArn, Tags }) => {
        const now = { ...(tags.get(ResourceArn) ?? {}) };
        for (const { Key, Value } of Tags) now[Key] = Value;
        tags.set(ResourceArn, now);
        return {};
      });
    // Act
    const first = await run();
    // Assess: window 2's line for topic 1 waits for window 1's, and is never sent.
    expect(first.results.map((r) => [r.arn, r.window, r.outcome, r.error?.code])).toEqual([
      [topic(1), 1, 'failed', 'AccessDenied'],
      [topic(2), 1, 'changed', undefined],
      [topic(1), 2, 'failed', 'EarlierLineFailed'],
    ]);
    const sent = sns.commandCalls(TagResourceCommand).filter((c) => c.args[0].input.ResourceArn === topic(1));
    expect(sent).toHaveLength(1);
    expect(tags.get(topic(1))).toBeUndefined();
    // Act: the cause fixed, a resume with what the first run did.
    const done = new Set(first.results.filter((r) => r.outcome === 'changed').map((r) => doneKey(r)));
    const second = await run(done);
    // Assess: both lines of topic 1, in file order (the second's env wins).
    expect(second.results.map((r) => [r.arn, r.window, r.outcome])).toEqual([
      [topic(1), 1, 'changed'],
      [topic(1), 2, 'changed'],
    ]);
    expect(tags.get(topic(1))).toEqual({ env: 'second', b: '2' });
  });
});

describe('runPipeline: a write that may have been made is finished as planned', () => {
  // Renaming `old` to `legacy` and setting `old` again: planned anew from the tags its write left, the line
  // would move the new value to `legacy` too.
  const line = JSON.stringify({ arn: topic(9), rename: { old: 'legacy' }, set: { old: 'new' } });
  function statefulSns(tags: Map<string, Record<string, string>>, lose: { answers: number }) {
    sns.on(ListTagsForResourceCommand).callsFake(({ ResourceArn }) => ({
      Tags: Object.entries(tags.get(ResourceArn) ?? {}).map(([Key, Value]) => ({ Key, Value })),
    }));
    sns.on(TagResourceCommand).callsFake(({ ResourceArn, Tags }) => {
      const now = { ...(tags.get(ResourceArn) ?? {}) };
      for (const { Key, Value } of Tags) now[Key] = Value;
      tags.set(ResourceArn, now);
      // The write is made, and its answer lost on the way back.
      if (lose.answers-- > 0) throw awsError('InternalError', 500);
      return {};
    });
  }
  const run = (report: ReportFile, earlier?: Awaited<ReturnType<typeof readEarlier>>) => {
    const results: WriteResult[] = [];
    return runPipeline({
      tagger: mockedTagger({
        preferTaggingApi: false,
        maxRates: false,
        retryFor: 0,
        clientConfig: { maxAttempts: 1 },
      }),
      windows: jobWindows({ text: line }, 'ndjson', 10),
      signal: new AbortController().signal,
      planOnly: false,
      done: earlier?.done,
      redo: earlier?.redo,
      onBadLine: () => {},
      onIntents: (intents) => report.intend(intents),
      onResult: (r) => report.record(r),
      onWindow: async (out) => {
        results.push(...(out.results ?? []));
      },
    }).then(() => results);
  };

  it('its answer lost: the resume finds it made, and leaves the tags as planned', async () => {
    // Prepare
    const tags = new Map([[topic(9), { old: 'o' }]]);
    const lose = { answers: 1 };
    statefulSns(tags, lose);
    const path = join(dir, 'redo-1.json');
    const first = new ReportFile(path);
    await first.open(undefined);
    // Act: the first run's write is made, but it cannot know; the run is then killed (its journal kept).
    const failed = await run(first);
    first.flush();
    const earlier = await readEarlier(path);
    const second = new ReportFile(path);
    await second.open(earlier, path);
    const resumed = await run(second, earlier);
    // Assess
    expect(failed.map((r) => r.outcome)).toEqual(['failed']);
    expect(resumed.map((r) => r.outcome)).toEqual(['unchanged']);
    expect(tags.get(topic(9))).toEqual({ legacy: 'o', old: 'new' });
  });

  it('killed after sending it, before recording it: the resume finishes it from the intent the journal holds', async () => {
    // Prepare: the write was recorded as intended, then made; the kill came before its result was recorded.
    const tags = new Map([[topic(9), { legacy: 'o', old: 'new' }]]);
    statefulSns(tags, { answers: 0 });
    const path = join(dir, 'redo-2.json');
    const first = new ReportFile(path);
    await first.open(undefined);
    first.intend([{ arn: topic(9), window: 1, set: { legacy: 'o', old: 'new' }, remove: [] }]);
    const earlier = await readEarlier(path);
    expect(earlier?.redo.size).toBe(1);
    const second = new ReportFile(path);
    await second.open(earlier, path);
    // Act
    const resumed = await run(second, earlier);
    // Assess
    expect(resumed.map((r) => r.outcome)).toEqual(['unchanged']);
    expect(tags.get(topic(9))).toEqual({ legacy: 'o', old: 'new' });
    expect(sns.commandCalls(TagResourceCommand)).toHaveLength(0);
  });

  it('finished as planned and failing again where its resource cannot be read, its line keeps the plan for the next resume', async () => {
    // Prepare: a finished report whose write failed after it was planned; the resource cannot be read now.
    const path = join(dir, 'redo-4.json');
    const failedLine = {
      arn: topic(9),
      window: 1,
      outcome: 'failed',
      before: { old: 'o' },
      after: { legacy: 'o', old: 'new' },
      error: { code: 'MalformedResponse', message: 'lost' },
    };
    const envelope = (line: object) =>
      JSON.stringify({
        version: 2,
        command: 'apply',
        totals: { total: 1 },
        calls: 1,
        durationMs: 1,
        resources: [line],
      });
    writeFileSync(path, envelope(failedLine));
    sns.on(ListTagsForResourceCommand).rejects(awsError('InternalError', 500));
    const earlier = await readEarlier(path);
    const report = new ReportFile(join(dir, 'redo-4b.json'));
    await report.open(earlier, path);
    // Act
    const results = await run(report, earlier);
    // Assess: failed again, with its plan; and a report of that line alone still finishes it as planned.
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      planned: { set: { legacy: 'o', old: 'new' }, remove: [] },
    });
    expect(results[0]?.after).toBeUndefined();
    const { error: _, ...line } = results[0] as WriteResult;
    writeFileSync(path, envelope(line));
    const next = await readEarlier(path);
    expect([...(next?.redo.values() ?? [])]).toEqual([{ set: { legacy: 'o', old: 'new' }, remove: [] }]);
  });

  it('records the intent of such a write before sending it, and of no other', async () => {
    const tags = new Map([[topic(9), { old: 'o' }]]);
    statefulSns(tags, { answers: 0 });
    const path = join(dir, 'redo-3.json');
    const report = new ReportFile(path);
    await report.open(undefined);
    await run(report);
    report.flush();
    const journal = readFileSync(`${path}.journal`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(journal.slice(1).map((l) => Object.keys(l)[0])).toEqual(['intent', 'arn']);
    expect(journal[1].intent).toEqual({
      arn: topic(9),
      window: 1,
      set: { legacy: 'o', old: 'new' },
      remove: [],
    });
    expect(tags.get(topic(9))).toEqual({ legacy: 'o', old: 'new' });
  });
});

describe('SeenFilter', () => {
  it('knows every key added, and (at this size) no other', () => {
    const seen = new SeenFilter();
    const keys = Array.from({ length: 100_000 }, (_, i) => topic(i));
    for (const key of keys) seen.add(key);
    expect(keys.every((key) => seen.has(key))).toBe(true);
    const others = Array.from({ length: 100_000 }, (_, i) => `${topic(i)}-other`);
    expect(others.filter((key) => seen.has(key))).toEqual([]);
  });

  it('seenOrAdd: false and adds a new key, true for one seen before (added either way)', () => {
    const seen = new SeenFilter();
    expect(seen.seenOrAdd(topic(1))).toBe(false);
    expect(seen.has(topic(1))).toBe(true);
    expect(seen.seenOrAdd(topic(1))).toBe(true);
    seen.add(topic(2));
    expect(seen.seenOrAdd(topic(2))).toBe(true);
    const keys = Array.from({ length: 300_000 }, (_, i) => topic(i + 3));
    // Past the first filter too: each key is new the first time and seen the second.
    expect(keys.filter((key) => seen.seenOrAdd(key)).length).toBeLessThan(5);
    expect(keys.every((key) => seen.seenOrAdd(key))).toBe(true);
  });

  it('grows a filter at a time past 262,144 keys, and still knows every key', () => {
    const seen = new SeenFilter();
    const keys = Array.from({ length: 600_000 }, (_, i) => topic(i));
    for (const key of keys) seen.add(key);
    expect(keys.every((key) => seen.has(key))).toBe(true);
    const others = Array.from({ length: 100_000 }, (_, i) => `${topic(i)}-other`);
    // Three filters, the last not full: a few in a million at most.
    expect(others.filter((key) => seen.has(key)).length).toBeLessThan(5);
  });
});

describe('ReportFile', () => {
  const result = (i: number, outcome: WriteResult['outcome']): WriteResult => ({ arn: topic(i), outcome });

  it('appends a line per resource to a journal, then writes the JSON report (last line wins) and removes it', async () => {
    const path = join(dir, 'r1.json');
    const report = new ReportFile(path);
    report.check();
    await report.open(undefined);
    report.record(result(1, 'failed'));
    report.record(result(2, 'changed'));
    report.mayRepeat(); // as the pipeline says when a window names a resource again
    report.record(result(1, 'changed'));
    report.addCalls(7);
    report.flush();
    expect(readFileSync(`${path}.journal`, 'utf8').trim().split('\n')).toHaveLength(4);
    const totals = await report.finish(12);
    expect(totals).toMatchObject({ total: 2, changed: 2, failed: 0 });
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(json).toMatchObject({ version: 2, command: 'apply', calls: 7, durationMs: 12 });
    expect(json.resources.map((r: { arn: string }) => r.arn)).toEqual([topic(2), topic(1)]);
    expect(existsSync(`${path}.journal`)).toBe(false);
  });

  it('writes a recorded line to the journal though no other line follows it (the other writes wait on a slow answer)', async () => {
    const path = join(dir, 'r-idle.json');
    const report = new ReportFile(path);
    await report.open(undefined);
    report.record(result(1, 'changed'));
    // Nothing else is recorded and nothing flushes by hand: the line must reach the file on its own.
    const journal = () => readFileSync(`${path}.journal`, 'utf8');
    while (!journal().includes(topic(1))) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(journal().trim().split('\n')).toHaveLength(2);
    await report.finish(1);
  });

  it("copies a new run's lines as written when no resource can repeat, in one pass", async () => {
    const path = join(dir, 'r7.json');
    const report = new ReportFile(path);
    await report.open(undefined);
    const line = { arn: topic(1), type: 'sns:topic', outcome: 'changed' as const, before: { outcome: 'x' } };
    report.record(line);
    report.record(result(2, 'failed'));
    report.addCalls(2);
    const totals = await report.finish(3);
    expect(totals).toMatchObject({ total: 2, changed: 1, failed: 1 });
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(json.resources).toEqual([line, { arn: topic(2), outcome: 'failed' }]);
    expect(json).toMatchObject({ calls: 2, durationMs: 3, totals: { total: 2, changed: 1, failed: 1 } });
  });

  it('copies journals larger than its read buffer whole, characters of any width across its chunks', async () => {
    const path = join(dir, 'r8.json');
    const report = new ReportFile(path);
    await report.open(undefined);
    const lines = Array.from({ length: 20_000 }, (_, i) => ({
      arn: topic(i),
      outcome: 'changed' as const,
      after: { 'é-名前-🙂': `${i}`.repeat(3) },
    }));
    for (const line of lines) report.record(line);
    const totals = await report.finish(1);
    expect(totals).toMatchObject({ total: 20_000, changed: 20_000 });
    expect(statSync(path).size).toBeGreaterThan(1 << 21);
    expect(JSON.parse(readFileSync(path, 'utf8')).resources).toEqual(lines);
  });

  it('resumes from a journal a killed run left: its done resources, its calls; appends to it', async () => {
    const path = join(dir, 'r2.json');
    const first = new ReportFile(path);
    await first.open(undefined);
    first.record(result(1, 'changed'));
    first.record(result(2, 'failed'));
    first.addCalls(3);
    first.flush();
    // Killed here: a line cut short at the end.
    writeFileSync(`${path}.journal`, `${readFileSync(`${path}.journal`, 'utf8')}{"arn":"cut`);
    const earlier = await readEarlier(path);
    expect(earlier?.from).toBe('journal');
    expect(earlier?.done).toEqual(new Set([keyHash(topic(1))]));
    const second = new ReportFile(path);
    await second.open(earlier, path);
    second.record(result(2, 'changed'));
    second.addCalls(2);
    const totals = await second.finish(1);
    expect(totals).toMatchObject({ total: 2, changed: 2 });
    expect(JSON.parse(readFileSync(path, 'utf8')).calls).toBe(2);
  });

  it('resumed into another report, copies the done lines of the earlier one (journal or report)', async () => {
    const old = join(dir, 'r5.json');
    const first = new ReportFile(old);
    await first.open(undefined);
    first.record(result(1, 'changed'));
    first.record(result(2, 'failed'));
    first.flush();
    const earlier = await readEarlier(old);
    const next = join(dir, 'r6.json');
    const second = new ReportFile(next);
    await second.open(earlier, old);
    second.record(result(2, 'changed'));
    await second.finish(1);
    const json = JSON.parse(readFileSync(next, 'utf8'));
    expect(json.resources).toEqual([
      { arn: topic(1), outcome: 'changed', resumed: true },
      { arn: topic(2), outcome: 'changed' },
    ]);
    expect(existsSync(`${old}.journal`)).toBe(true); // the earlier run's journal is left as it was
  });

  it('never replaces the journal of an unfinished run, and never follows a link planted in its place', async () => {
    const path = join(dir, 'r3.json');
    writeFileSync(`${path}.journal`, '{"unitag":"journal","version":2}\n');
    await expect(new ReportFile(path).open(undefined)).rejects.toThrow(/unfinished run/);
    const other = join(dir, 'r4.json');
    const victim = file('victim.txt', 'keep');
    symlinkSync(victim, `${other}.journal`);
    await expect(new ReportFile(other).open(undefined)).rejects.toThrow(/is a link, not a journal/);
    await expect(readEarlier(other)).rejects.toThrow(/is a link, not a journal/);
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    expect(statSync(victim).size).toBe(4);
  });
});
