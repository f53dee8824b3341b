// Shard reports merged (src/jobs/report-merge.ts): the refusals (another job, another N, a shard twice, not a
// report), the totals, per account and in all, the shards missing, the order of the lines, and the merged report
// written as a report (src/jobs/report-write.ts), valid against the shipped schema.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { isUnitagError } from '../../src/core/errors.js';
import { type MergeRefusal, mergeReports, ReportMergeError } from '../../src/jobs/report-merge.js';
import { writeReportJson } from '../../src/jobs/report-write.js';

const root = new URL('../..', import.meta.url).pathname;
const FINGERPRINT = 'a'.repeat(64);

/** A shard report of `lines` (ARN, outcome, window). */
function report(
  shard: { index: number; count: number } | undefined,
  lines: [string, string, number][],
  extra: { fingerprint?: string; calls?: number; durationMs?: number; account?: string } = {},
) {
  return {
    version: 2,
    command: 'apply',
    resources: lines.map(([arn, outcome, window]) => ({
      arn,
      outcome,
      window,
      ...(outcome === 'failed' ? { error: { code: 'AccessDenied', message: 'no' } } : {}),
    })),
    job: {
      fingerprint: extra.fingerprint ?? FINGERPRINT,
      account: extra.account ?? '111111111111',
      region: 'us-east-1',
      ...(shard ? { shard } : {}),
    },
    totals: {
      total: lines.length,
      ...Object.fromEntries(
        ['changed', 'unchanged', 'failed', 'skipped'].map((o) => [
          o,
          lines.filter(([, x]) => x === o).length,
        ]),
      ),
    },
    calls: extra.calls ?? 1,
    durationMs: extra.durationMs ?? 10,
  };
}

const sns = (region: string, account: string, name: string) => `arn:aws:sns:${region}:${account}:${name}`;

function refusal(run: () => unknown): MergeRefusal | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ReportMergeError);
    expect(isUnitagError(error) && error.code).toBe('ConfigurationError');
    return (error as ReportMergeError).reason;
  }
  return undefined;
}

describe('mergeReports: refusals', () => {
  const r0 = { name: 'r0.json', json: report({ index: 0, count: 3 }, []) };

  it('refuses reports of another job', () => {
    const other = {
      name: 'r1.json',
      json: report({ index: 1, count: 3 }, [], { fingerprint: 'b'.repeat(64) }),
    };
    expect(refusal(() => mergeReports([r0, other]))).toBe('another-job');
  });

  it('refuses shards of another N (their parts overlap), and a whole report with a shard', () => {
    const other = { name: 'r1.json', json: report({ index: 1, count: 4 }, []) };
    expect(refusal(() => mergeReports([r0, other]))).toBe('other-count');
    const whole = { name: 'whole.json', json: report(undefined, []) };
    expect(refusal(() => mergeReports([whole, r0]))).toBe('other-count');
  });

  it('refuses the same shard twice', () => {
    const twin = { name: 'copy.json', json: report({ index: 0, count: 3 }, []) };
    expect(refusal(() => mergeReports([r0, twin]))).toBe('duplicate-shard');
  });

  it.each([
    ['nothing', []],
    ['not JSON of a report', [{ name: 'x', json: [1, 2] }]],
    ['a version 1 report', [{ name: 'x', json: { ...report(undefined, []), version: 1 } }]],
    ['the output of find', [{ name: 'x', json: { ...report(undefined, []), command: 'find' } }]],
    ['a report without its job', [{ name: 'x', json: { ...report(undefined, []), job: undefined } }]],
    ['a shard that cannot be', [{ name: 'x', json: report({ index: 3, count: 3 }, []) }]],
  ])('refuses %s', (_, reports) => {
    expect(refusal(() => mergeReports(reports as { name: string; json: unknown }[]))).toBe('not-a-report');
  });
});

describe('mergeReports: the merged report', () => {
  const a = sns('us-east-1', '111111111111', 'a');
  const b = sns('eu-west-1', '222222222222', 'b');
  const bucket = 'arn:aws:s3:::bucket';
  const shards = [
    {
      name: 'r0.json',
      json: report(
        { index: 0, count: 3 },
        [
          [a, 'changed', 2],
          [a, 'changed', 1],
        ],
        { calls: 5 },
      ),
    },
    {
      name: 'r2.json',
      json: report(
        { index: 2, count: 3 },
        [
          [b, 'failed', 1],
          [bucket, 'unchanged', 1],
        ],
        { durationMs: 40 },
      ),
    },
  ];

  it('holds every line, ordered by window, its totals counted from them, calls added, the longest time', () => {
    const merged = mergeReports(shards);
    expect(merged.resources.map((l) => [l.arn, l.window])).toEqual([
      [a, 1],
      [b, 1],
      [bucket, 1],
      [a, 2],
    ]);
    expect(merged.totals).toEqual({ total: 4, changed: 2, unchanged: 1, failed: 1, skipped: 0 });
    expect(merged.calls).toBe(6);
    expect(merged.durationMs).toBe(40);
    expect(merged.job).toEqual({ fingerprint: FINGERPRINT, account: '111111111111', region: 'us-east-1' });
  });

  it("counts per account, an ARN without one under the job's", () => {
    expect(mergeReports(shards).accounts).toEqual({
      '111111111111': { total: 3, changed: 2, unchanged: 1, failed: 0, skipped: 0 },
      '222222222222': { total: 1, changed: 0, unchanged: 0, failed: 1, skipped: 0 },
    });
  });

  it('names the shards merged and missing, and still merges', () => {
    expect(mergeReports(shards).shards).toEqual({ count: 3, merged: [0, 2], missing: [1] });
    const all = [...shards, { name: 'r1.json', json: report({ index: 1, count: 3 }, []) }];
    expect(mergeReports(all).shards).toEqual({ count: 3, merged: [0, 1, 2], missing: [] });
  });

  it('takes a report of the whole job alone as shard 0/1', () => {
    const merged = mergeReports([{ name: 'whole.json', json: report(undefined, [[a, 'changed', 1]]) }]);
    expect(merged.shards).toEqual({ count: 1, merged: [0], missing: [] });
    expect(merged.totals.total).toBe(1);
  });

  describe('written as a report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unitag-merge-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is JSON valid against the shipped schema, the same as merged, an existing report’s mode kept', () => {
      // Prepare
      const path = join(dir, 'merged.json');
      writeFileSync(path, '{}', { mode: 0o640 });
      const merged = mergeReports(shards);
      // Act
      writeReportJson(path, merged);
      // Assess
      const json = JSON.parse(readFileSync(path, 'utf8'));
      expect(json).toEqual(JSON.parse(JSON.stringify(merged)));
      expect(statSync(path).mode & 0o777).toBe(0o640);
      const ajv = new Ajv({ allErrors: true });
      const validate = ajv.compile(JSON.parse(readFileSync(join(root, 'schema/output.schema.json'), 'utf8')));
      expect(validate(json), ajv.errorsText(validate.errors)).toBe(true);
      // A shard's report (job.shard) is valid too.
      expect(validate(shards[0]?.json), ajv.errorsText(validate.errors)).toBe(true);
    });

    it('writes a report with no line, and one of more lines than a write takes at once', () => {
      const path = join(dir, 'big.json');
      const many = Array.from({ length: 2500 }, (_, i) => [
        sns('us-east-1', '111111111111', `t${i}`),
        'changed',
        1,
      ]);
      const merged = mergeReports([
        { name: 'r', json: report(undefined, many as [string, string, number][]) },
      ]);
      writeReportJson(path, merged);
      expect(JSON.parse(readFileSync(path, 'utf8')).resources).toHaveLength(2500);
      writeReportJson(path, mergeReports([{ name: 'r', json: report(undefined, []) }]));
      expect(JSON.parse(readFileSync(path, 'utf8')).resources).toEqual([]);
    });
  });
});
