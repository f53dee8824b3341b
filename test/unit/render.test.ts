import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayWidth, printable, renderPlan, renderTags, table } from '../../src/cli/render.js';
import { tagsFromEntries } from '../../src/core/shapes.js';

describe('render', () => {
  it('shows a key or value holding a control character as a JSON string, so it cannot forge output lines', () => {
    const key = 'k\nPlan: 0 to change';
    const plan = {
      entries: [
        {
          arn: 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0',
          status: 'change' as const,
          before: tagsFromEntries([]),
          after: tagsFromEntries([[key, 'v\r\n']]),
          set: tagsFromEntries([[key, 'v\r\n']]),
          remove: [],
        },
      ],
      totals: { total: 1, change: 1, noop: 0, failed: 0, conflicts: 0 },
      calls: 1,
    };
    const text = renderPlan(plan);
    expect(text.split('\n').filter((line) => line.startsWith('Plan:'))).toHaveLength(1);
    expect(text).toContain(JSON.stringify(key));
    const table = renderTags([{ arn: 'a', outcome: 'read', tags: tagsFromEntries([[key, 'x']]) }], 'table');
    expect(table.split('\n')).toHaveLength(2);
    expect(printable('plain key')).toBe('plain key');
  });

  it('prints no table when no resource was read, and CSV its header all the same', () => {
    const failed = [{ arn: 'arn:aws:sns:us-east-1:123456789012:t', outcome: 'failed' as const }];
    expect(renderTags(failed, 'table')).toBe('');
    expect(renderTags(failed, 'csv')).toBe('arn,key,value');
    expect(renderTags(failed, 'json')).toBe('[]');
    const untagged = [{ arn: 'a', outcome: 'read' as const, tags: tagsFromEntries([]) }];
    expect(renderTags(untagged, 'table').split('\n')).toHaveLength(2);
  });

  it('aligns table columns by the width a terminal shows, CJK keys included', () => {
    const text = table(
      ['KEY', 'VALUE'],
      [
        ['部署', 'a'],
        ['team', 'b'],
      ],
    );
    const [, first, second] = text.split('\n');
    // The value column starts at the same display column on every row.
    const column = (line: string, value: string) => displayWidth(line.slice(0, line.indexOf(value)));
    expect(column(first as string, 'a')).toBe(column(second as string, 'b'));
    expect([displayWidth('部署'), displayWidth('team'), displayWidth('e\u0301')]).toEqual([4, 4, 1]);
  });

  it('counts printable ASCII a column a character, and the same text beside a wide or combining one', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (text) => {
        expect(displayWidth(text)).toBe(text.length);
        expect(displayWidth(`${text}部`)).toBe(text.length + 2);
        expect(displayWidth(`${text}e\u0301`)).toBe(text.length + 1);
      }),
    );
    expect([displayWidth('a\tb'), displayWidth('\u007f')]).toEqual([3, 1]);
  });

  it('renders a table of 200,000 rows without overflowing the stack', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`arn-${i}`, 'k', 'v']);
    expect(table(['ARN', 'KEY', 'VALUE'], rows).split('\n')).toHaveLength(200_001);
  }, 30_000); // a second here, more on a loaded machine
});
