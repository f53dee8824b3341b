// `find --output job`: each line a CSV job line that plan and apply read back as the change asked for, whatever
// the key and value hold; a line plan would refuse is bad usage, found before any call.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jobHeader, jobLineOf, jobRow } from '../../src/cli/find-job.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { parseJob } from '../../src/jobs/job.js';

const ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';
const text = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/[\r\n]/.test(s));

describe('find --output job', () => {
  it('writes lines the job reader takes back as the change asked for (property)', () => {
    fc.assert(
      fc.property(text, text, fc.constantFrom('set', 'set-if-absent', 'rename'), (key, value, action) => {
        const line = jobLineOf({ output: 'job', action, key, value }) as NonNullable<
          ReturnType<typeof jobLineOf>
        >;
        const job = parseJob(`${jobHeader()}\n${jobRow(ARN, line)}\n`, 'csv');
        expect(job.errors).toEqual([]);
        const [change] = job.changes;
        const expected =
          action === 'set'
            ? { set: { [key]: value } }
            : action === 'set-if-absent'
              ? { setIfAbsent: { [key]: value } }
              : { rename: { [key]: value } };
        expect(change).toMatchObject({ arn: ARN, ...expected });
      }),
    );
  });

  it('writes a removal with an empty value cell, and a copy with the source ARN', () => {
    const removal = jobLineOf({ output: 'job', action: 'remove', key: 'owner' });
    expect(jobRow(ARN, removal as never)).toBe(`${ARN},remove,owner,`);
    expect(parseJob(`${jobHeader()}\n${jobRow(ARN, removal as never)}\n`, 'csv').changes[0]).toMatchObject({
      remove: ['owner'],
    });
    const copy = jobLineOf({ output: 'job', action: 'copy-from', value: `${ARN}-source` });
    expect(parseJob(`${jobHeader()}\n${jobRow(ARN, copy as never)}\n`, 'csv').changes[0]).toMatchObject({
      copyFrom: { arn: `${ARN}-source` },
    });
  });

  it.each([
    [{ output: 'arn', key: 'a' }, /give them with --output job/],
    [{ output: 'job' }, /needs --key/],
    [{ output: 'job', action: 'move', key: 'a', value: 'b' }, /one of set, set-if-absent/],
    [{ output: 'job', action: 'remove', key: 'a', value: 'b' }, /takes no --value/],
    [{ output: 'job', action: 'rename', key: 'a' }, /needs --value \(the new key\)/],
  ])('refuses %j before any call', (opts, message) => {
    expect(() => jobLineOf(opts)).toThrow(UsageError);
    expect(() => jobLineOf(opts)).toThrow(message);
  });

  it('makes no job line for another output', () => {
    expect(jobLineOf({ output: 'table' })).toBeUndefined();
  });
});
