import { describe, expect, it } from 'vitest';
import { printable, renderPlan, renderTags } from '../../src/render.js';
import { tagsFromEntries } from '../../src/shapes.js';

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
      totals: { total: 1, change: 1, noop: 0, failed: 0 },
      calls: 1,
    };
    const text = renderPlan(plan);
    expect(text.split('\n').filter((line) => line.startsWith('Plan:'))).toHaveLength(1);
    expect(text).toContain(JSON.stringify(key));
    const table = renderTags([{ arn: 'a', outcome: 'read', tags: tagsFromEntries([[key, 'x']]) }], 'table');
    expect(table.split('\n')).toHaveLength(2);
    expect(printable('plain key')).toBe('plain key');
  });
});
