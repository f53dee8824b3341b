import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { csv, csvField } from '../../src/cli/render.js';
import { jobFormat, MAX_LINE, parseCsv, parseJob } from '../../src/jobs/job.js';

const T = 'arn:aws:sns:us-east-1:123456789012:t';

/** A record that parsed: its line and cells (the test fails on one that did not). */
function cellsOf(record: ReturnType<typeof parseCsv>[number]) {
  if ('error' in record) throw new Error(`line ${record.line}: ${record.error}`);
  return record;
}
const Q = 'arn:aws:sqs:us-east-1:123456789012:q';

describe('job files', () => {
  it('tells the format from the file name', () => {
    expect(['a.json', 'a.ndjson', 'a.jsonl', 'a.CSV', 'a.txt'].map(jobFormat)).toEqual([
      'json',
      'ndjson',
      'ndjson',
      'csv',
      undefined,
    ]);
  });

  it('reads a JSON array or { changes }, reporting bad entries by position', () => {
    const good = { arn: T, set: { a: '1' } };
    expect(parseJob(JSON.stringify({ changes: [good] }), 'json')).toEqual({ changes: [good], errors: [] });
    const job = parseJob(
      JSON.stringify([good, { arn: 'nope', set: {} }, { arn: T }, { arn: T, set: { a: 1 } }, 7]),
      'json',
    );
    expect(job.changes).toEqual([good]);
    expect(job.errors.map((e) => e.line)).toEqual([2, 3, 4, 5]);
    expect(job.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('Invalid ARN'),
      expect.stringContaining('nothing to do'),
      expect.stringContaining('"set.a" must be a string'),
      'a change must be a JSON object',
    ]);
  });

  it('names the line of a JSON syntax error', () => {
    const job = parseJob('[\n{"arn": "x"},\n{oops}\n]', 'json');
    expect(job.changes).toEqual([]);
    expect(job.errors[0]?.line).toBe(3);
  });

  it('reads NDJSON line by line; a bad line never stops the others', () => {
    const text = [
      JSON.stringify({ arn: T, remove: ['a'] }),
      '',
      '{not json',
      JSON.stringify({ arn: Q, bogus: 1 }),
      JSON.stringify({ arn: Q, copyFrom: T }),
    ].join('\n');
    const job = parseJob(text, 'ndjson');
    expect(job.changes).toEqual([
      { arn: T, remove: ['a'] },
      { arn: Q, copyFrom: T },
    ]);
    expect(job.errors).toEqual([
      { line: 3, message: expect.stringContaining('not JSON') },
      { line: 4, message: expect.stringContaining('unknown field(s) bogus') },
    ]);
  });

  it('reads CSV rows into one change per ARN, with explicit rules for empty cells', () => {
    const text = [
      'arn,action,key,value,version_id',
      `${T},set,team,payments,`,
      `${T},,owner,"platform, inc",`, // no action: set
      `${T},set,blank,"",`, // "" sets an empty value
      `${T},set,empty,,`, // an empty cell is a mistake
      `${T},remove,old,,`,
      `${T},remove,old,x,`,
      `${T},rename,Team,team,`,
      `${T},set-if-absent,tier,gold,`,
      `${T},copy-from,,${Q},`,
      `${Q},copy-from,cost,${T},`,
      `${Q},set,a,1,v2`,
      `${Q},explode,a,1,`,
      `not-an-arn,set,a,1,`,
      `${T},rename,x,,`,
    ].join('\r\n');
    const job = parseJob(text, 'csv');
    expect(job.changes).toEqual([
      {
        arn: T,
        set: { team: 'payments', owner: 'platform, inc', blank: '' },
        remove: ['old'],
        rename: { Team: 'team' },
        setIfAbsent: { tier: 'gold' },
        copyFrom: { arn: Q },
      },
      { arn: Q, copyFrom: { arn: T, keys: ['cost'] } },
      { arn: Q, versionId: 'v2', set: { a: '1' } },
    ]);
    expect(job.errors.map((e) => [e.line, e.message.split(':')[0]])).toEqual([
      [5, 'empty value for "empty"'],
      [7, 'action remove takes no value (got "x")'],
      [13, 'unknown action "explode" (known'],
      [14, 'Invalid ARN "not-an-arn"'],
      [15, 'action rename needs the new key in value'],
    ]);
  });

  it('refuses a CSV without arn and key columns, or with unknown ones', () => {
    expect(parseJob('arn,value\nx,y', 'csv').errors[0]?.message).toContain('arn and key');
    expect(parseJob('arn,key,colour\n', 'csv').errors[0]?.message).toContain('unknown column(s): colour');
  });

  it('parses quotes and doubled quotes, one line a record, keeping line numbers', () => {
    const records = parseCsv('a,"b ""x"", y"\n"multi\nline",""\nlast,');
    expect(records.map((r) => ('error' in r ? [r.line, 'error'] : [r.line, r.cells]))).toEqual([
      [1, ['a', 'b "x", y']],
      [2, 'error'],
      [3, 'error'],
      [4, ['last', '']],
    ]);
    expect(cellsOf(records[0] as never).quoted).toEqual([false, true]);
    // A line without a quote: no cell was quoted.
    expect(cellsOf(records[3] as never).quoted).toBeUndefined();
  });

  it('a quote left open and a stray quote lines later never join the lines between', () => {
    const text = ['arn,key,value', `${T},env,"prod`, `${Q},owner,alice`, `${T},team,b"`].join('\n');
    const job = parseJob(text, 'csv');
    expect(job.errors.map((e) => e.line)).toEqual([2, 4]);
    expect(job.changes).toEqual([{ arn: Q, set: { owner: 'alice' } }]);
  });

  it('writes CSV that reads back the same, empty values as ""', () => {
    const rows = [
      [T, 'k', ''],
      [T, 'q', 'a,b "c"'],
      [T, 'pad', ' x '],
    ];
    expect(csvField('')).toBe('""');
    const back = parseCsv(csv(['arn', 'key', 'value'], rows))
      .slice(1)
      .map(cellsOf);
    expect(back.map((r) => r.cells)).toEqual(rows);
  });

  it('takes a byte-order mark and CRLF line ends in every format', () => {
    const change = { arn: T, set: { a: '1' } };
    const bom = '\uFEFF';
    expect(parseJob(`${bom}${JSON.stringify([change])}\r\n`, 'json')).toEqual({
      changes: [change],
      errors: [],
    });
    expect(
      parseJob(`${bom}${JSON.stringify(change)}\r\n${JSON.stringify(change)}\r\n`, 'ndjson').errors,
    ).toEqual([]);
    expect(parseJob(`${bom}arn,key,value\r\n${T},a,1\r\n`, 'csv')).toEqual({ changes: [change], errors: [] });
  });

  it('an unclosed quote is one bad line: the lines after it are read on their own', () => {
    const text = ['arn,key,value', `${T},a,1`, `${T},b,"unclosed`, `${Q},c,3`, `${Q},d,4`].join('\n');
    const job = parseJob(text, 'csv');
    expect(job.errors).toEqual([{ line: 3, message: expect.stringContaining('not closed') }]);
    expect(job.changes).toEqual([
      { arn: T, set: { a: '1' } },
      { arn: Q, set: { c: '3', d: '4' } },
    ]);
  });

  it('an unquoted comma in a value is a bad line, never a truncated value', () => {
    const job = parseJob(['arn,key,value', `${T},team,Payments, EMEA`, `${Q},team,ok`].join('\n'), 'csv');
    expect(job.errors).toEqual([
      { line: 2, message: expect.stringContaining('4 fields where the header has 3') },
    ]);
    expect(job.changes).toEqual([{ arn: Q, set: { team: 'ok' } }]);
  });

  it('reads a CSV whose writer quotes every field, remove rows included', () => {
    const text = ['"arn","action","key","value"', `"${T}","set","a","1"`, `"${T}","remove","b",""`].join(
      '\n',
    );
    expect(parseJob(text, 'csv')).toEqual({
      changes: [{ arn: T, set: { a: '1' }, remove: ['b'] }],
      errors: [],
    });
  });

  it('refuses a line longer than any job needs before parsing it, quickly', () => {
    // What makes it quick is what is asserted (no clock: a loaded machine is slow at anything): the length is
    // checked first, so a huge line never reaches JSON.parse, nor the CSV quote check (an odd number of quotes on
    // line 3 would otherwise be its error), and line 2 (a valid row but for its length) is not taken either.
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const csvJob = parseJob(
        ['arn,key,value', `${T},a,${huge}`, `${T},b,"${huge}`, `${Q},c,3`].join('\n'),
        'csv',
      );
      const ndjson = parseJob(
        [JSON.stringify({ arn: T, set: { a: huge } }), JSON.stringify({ arn: Q, set: { c: '3' } })].join(
          '\n',
        ),
        'ndjson',
      );
      const tooLong = `longer than ${MAX_LINE} characters: no job line needs that many`;
      expect(csvJob.errors).toEqual([
        { line: 2, message: tooLong },
        { line: 3, message: tooLong },
      ]);
      expect(csvJob.changes).toEqual([{ arn: Q, set: { c: '3' } }]);
      expect(ndjson.errors).toEqual([{ line: 1, message: tooLong }]);
      expect(ndjson.changes).toEqual([{ arn: Q, set: { c: '3' } }]);
      const parsed = parse.mock.calls.map(([text]) => String(text).length);
      expect(parsed.length).toBeGreaterThan(0);
      expect(parsed.filter((length) => length > MAX_LINE)).toEqual([]);
    } finally {
      parse.mockRestore();
    }
  }, 30_000);

  it('no valid CSV line is lost to a broken one, wherever it stands (property)', () => {
    const valid = fc.tuple(
      fc.constantFrom(T, Q),
      fc.string({ unit: fc.constantFrom(...'abcXYZ019_.:/=+-@'.split('')), minLength: 1, maxLength: 10 }),
      fc.string({ unit: fc.constantFrom(...'abc019 ,"'.split('')), minLength: 1, maxLength: 10 }),
    );
    const broken = fc.constantFrom(`${T},k,"open`, `${T},k,a"b`, `${T},k,a,b`, `${T}`, '"', `${T},k,"x""`);
    fc.assert(
      fc.property(fc.array(valid, { minLength: 1, maxLength: 20 }), broken, fc.nat(), (rows, bad, at) => {
        const lines = rows.map(([arn, key, value]) => `${arn},${key},${csvField(value)}`);
        const position = at % (lines.length + 1);
        lines.splice(position, 0, bad);
        const job = parseJob(['arn,key,value', ...lines].join('\n'), 'csv');
        expect(job.errors.map((e) => e.line)).toEqual([position + 2]);
        const expected = new Map<string, Map<string, string>>();
        for (const [arn, key, value] of rows)
          expected.set(arn, (expected.get(arn) ?? new Map()).set(key, value));
        const got = new Map(job.changes.map((c) => [c.arn, new Map(Object.entries(c.set ?? {}))]));
        expect(got).toEqual(expected);
      }),
    );
  });

  it('a line its check refuses is a bad line of its own: the good lines for the same ARN stay', () => {
    const check = (change: { set?: Record<string, string> }) =>
      Object.keys(change.set ?? {}).some((k) => k.startsWith('aws:'))
        ? 'ReservedKey: aws: is reserved'
        : undefined;
    const ndjson = parseJob(
      [
        JSON.stringify({ arn: T, set: { good: 'v' } }),
        JSON.stringify({ arn: T, set: { 'aws:x': 'v' } }),
      ].join('\n'),
      'ndjson',
      check,
    );
    expect(ndjson.changes).toEqual([{ arn: T, set: { good: 'v' } }]);
    expect(ndjson.errors).toEqual([{ line: 2, message: 'ReservedKey: aws: is reserved' }]);
    const csvJob = parseJob(
      ['arn,key,value', `${T},good,v`, `${T},aws:x,v`, `${T},fine,w`].join('\n'),
      'csv',
      check,
    );
    expect(csvJob.changes).toEqual([{ arn: T, set: { good: 'v', fine: 'w' } }]);
    expect(csvJob.errors.map((e) => e.line)).toEqual([3]);
  });
});
