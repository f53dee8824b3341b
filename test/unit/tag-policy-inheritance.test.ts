// The merge of an organization's tag policies (root, OUs, account) into an account's effective policy, replaying
// AWS's worked examples: https://docs.aws.amazon.com/organizations/latest/userguide/inheritance-examples.html
// (formerly orgs_manage_policies_inheritance_mgmt.html) and the tag policy examples of
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_example-tag-policies.html.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTagPolicy } from '../../src/governance/tag-policy.js';
import {
  effectiveTagPolicy,
  type IgnoredOperator,
  type InheritanceOptions,
} from '../../src/governance/tag-policy-inheritance.js';

/** The merge, with what it left out. */
function merged(policies: unknown[], options: InheritanceOptions = {}) {
  const ignored: IgnoredOperator[] = [];
  const effective = effectiveTagPolicy(policies, { ...options, onIgnored: (i) => ignored.push(i) });
  return { effective, ignored };
}

// The organization of AWS's examples: the root; OU1 holds accounts 111111111111 and 222222222222, OU2 999999999999.
const A = {
  tags: {
    costcenter: {
      tag_key: { '@@assign': 'CostCenter' },
      tag_value: { '@@assign': ['Development', 'Support'] },
    },
  },
};
const B = {
  tags: {
    costcenter: {
      tag_key: { '@@assign': 'CostCenter' },
      tag_value: { '@@assign': ['Sandbox'] },
      enforced_for: { '@@assign': ['redshift:*', 'dynamodb:table'] },
    },
  },
};
const C = {
  tags: {
    costcenter: {
      tag_key: { '@@assign': 'CostCenter' },
      tag_value: { '@@append': ['Marketing'] },
      enforced_for: { '@@append': ['redshift:*', 'dynamodb:table'] },
    },
  },
};

describe("AWS's inheritance examples", () => {
  it('Example 1: a child @@assign overwrites the values it inherits and adds enforced_for', () => {
    expect(merged([A, B])).toEqual({
      effective: {
        tags: {
          costcenter: {
            tag_key: 'CostCenter',
            tag_value: ['Sandbox'],
            enforced_for: ['redshift:*', 'dynamodb:table'],
          },
        },
      },
      ignored: [],
    });
  });

  it('Example 2: @@append adds to inherited values, and sets what is not inherited', () => {
    expect(merged([A, C]).effective).toEqual({
      tags: {
        costcenter: {
          tag_key: 'CostCenter',
          tag_value: ['Development', 'Support', 'Marketing'],
          enforced_for: ['redshift:*', 'dynamodb:table'],
        },
      },
    });
  });

  it('Example 3: @@remove takes values out, and a list emptied is left out (enforced_for)', () => {
    // Policy D as the page means it: the page nests enforced_for inside tag_value, which no policy may hold.
    const D = {
      tags: {
        costcenter: {
          tag_key: { '@@assign': 'CostCenter' },
          tag_value: { '@@remove': ['Development', 'Marketing'] },
          enforced_for: { '@@remove': ['redshift:*', 'dynamodb:table'] },
        },
      },
    };
    expect(merged([A, C, D])).toEqual({
      effective: { tags: { costcenter: { tag_key: 'CostCenter', tag_value: ['Support'] } } },
      ignored: [],
    });
    const asPrinted = {
      tags: {
        costcenter: {
          tag_key: { '@@assign': 'CostCenter' },
          tag_value: {
            '@@remove': ['Development', 'Marketing'],
            enforced_for: { '@@remove': ['redshift:*', 'dynamodb:table'] },
          },
        },
      },
    };
    expect(() => effectiveTagPolicy([A, C, asPrinted])).toThrow(
      /^policies\[2\]: tags\.costcenter\.tag_value\.enforced_for: unknown member/,
    );
  });

  it('Example 4: a child operator its parent does not allow is left out; an allowed one applies', () => {
    const E = {
      tags: {
        project: {
          tag_key: { '@@operators_allowed_for_child_policies': ['@@none'], '@@assign': 'Project' },
          tag_value: {
            '@@operators_allowed_for_child_policies': ['@@append'],
            '@@assign': ['Maintenance', 'Escalations'],
          },
        },
      },
    };
    const F = {
      tags: {
        project: {
          tag_key: { '@@assign': 'PROJECT' },
          tag_value: { '@@append': ['Escalations - research'] },
        },
      },
    };
    expect(merged([E, F], { names: ['E.json', 'F.json'] })).toEqual({
      effective: {
        tags: {
          project: {
            tag_key: 'Project',
            tag_value: ['Maintenance', 'Escalations', 'Escalations - research'],
          },
        },
      },
      ignored: [
        {
          policy: 'F.json',
          path: 'tags.project.tag_key["@@assign"]',
          operator: '@@assign',
          reason: 'E.json allows child policies no operator here',
        },
      ],
    });
  });

  it('Example 5: child controls of two policies on one entity intersect: append, but not remove', () => {
    const G = {
      tags: {
        project: {
          tag_value: {
            '@@operators_allowed_for_child_policies': ['@@append'],
            '@@assign': ['Maintenance'],
          },
        },
      },
    };
    const H = {
      tags: {
        project: { tag_value: { '@@operators_allowed_for_child_policies': ['@@append', '@@remove'] } },
      },
    };
    const child = {
      tags: { project: { tag_value: { '@@append': ['Research'], '@@remove': ['Maintenance'] } } },
    };
    const { effective, ignored } = merged([[G, H], child], { names: ['root', 'ou'] });
    expect(effective).toEqual({ tags: { project: { tag_value: ['Maintenance', 'Research'] } } });
    expect(ignored).toEqual([
      {
        policy: 'ou',
        path: 'tags.project.tag_value["@@remove"]',
        operator: '@@remove',
        reason: 'root[0] allows child policies only @@append here',
      },
    ]);
  });

  it('Example 6: of two policies on one entity that assign a member, the first attached wins', () => {
    const J = {
      tags: { project: { tag_key: { '@@assign': 'PROJECT' }, tag_value: { '@@append': ['Maintenance'] } } },
    };
    const K = { tags: { project: { tag_key: { '@@assign': 'project' } } } };
    const { effective, ignored } = merged([[J, K]]);
    expect(effective).toEqual({ tags: { project: { tag_key: 'PROJECT', tag_value: ['Maintenance'] } } });
    expect(ignored).toEqual([
      {
        policy: 'policies[0][1]',
        path: 'tags.project.tag_key["@@assign"]',
        operator: '@@assign',
        reason: 'policies[0][0], attached before it to the same entity, assigns it: the first attached wins',
      },
    ]);
    // The same two as one JSON text (a file holding a list).
    expect(effectiveTagPolicy([JSON.stringify([J, K])])).toEqual(effective);
  });

  it('tag policy example 1: a lock on tag_key leaves the account free to set tag_value', () => {
    const root = {
      tags: {
        CostCenter: {
          tag_key: { '@@assign': 'CostCenter', '@@operators_allowed_for_child_policies': ['@@none'] },
        },
        Project: { tag_key: { '@@assign': 'Project', '@@operators_allowed_for_child_policies': ['@@none'] } },
      },
    };
    const account = {
      tags: {
        CostCenter: { tag_value: { '@@assign': ['Production', 'Test'] } },
        Project: { tag_value: { '@@assign': ['A', 'B'] } },
      },
    };
    expect(merged([root, account])).toEqual({
      effective: {
        tags: {
          Project: { tag_value: ['A', 'B'], tag_key: 'Project' },
          CostCenter: { tag_value: ['Production', 'Test'], tag_key: 'CostCenter' },
        },
      },
      ignored: [],
    });
  });
});

describe('child control', () => {
  const root = (allowed: string[], at: 'member' | 'key' | 'tags' | 'document') => {
    const lock = { '@@operators_allowed_for_child_policies': allowed };
    const member = { ...(at === 'member' ? lock : {}), '@@assign': ['a', 'b'] };
    const key = { ...(at === 'key' ? lock : {}), tag_value: member };
    const tags = { ...(at === 'tags' ? lock : {}), team: key };
    return { ...(at === 'document' ? lock : {}), tags };
  };
  const child = {
    tags: {
      team: {
        tag_value: { '@@append': ['c'], '@@remove': ['a'] },
        enforced_for: { '@@assign': ['sns:topic'] },
      },
    },
  };

  it.each([
    [['@@all'], 'member', ['b', 'c'], true],
    [['@@append', '@@remove'], 'member', ['b', 'c'], true],
    [['@@append'], 'member', ['a', 'b', 'c'], true],
    [['@@none'], 'member', ['a', 'b'], true],
    [['@@append'], 'key', ['a', 'b', 'c'], false],
    [['@@none'], 'tags', ['a', 'b'], false],
    [['@@remove'], 'document', ['b'], false],
  ])('%j on the %s: the child gets %j (enforced_for set: %s)', (allowed, at, values, enforced) => {
    const { effective } = merged([root(allowed, at as 'member'), child]);
    expect(effective.tags.team?.tag_value).toEqual(values);
    expect(effective.tags.team?.enforced_for).toEqual(enforced ? ['sns:topic'] : undefined);
  });

  it('a child cannot lift what a parent locked, and may lock more for its own children', () => {
    const ou = {
      tags: {
        team: { tag_value: { '@@operators_allowed_for_child_policies': ['@@all'], '@@append': ['ou'] } },
      },
    };
    const account = { tags: { team: { tag_value: { '@@assign': ['mine'] } } } };
    expect(merged([root(['@@append'], 'member'), ou, account]).effective.tags.team?.tag_value).toEqual([
      'a',
      'b',
      'ou',
    ]);
    const strict = {
      tags: {
        team: { tag_value: { '@@operators_allowed_for_child_policies': ['@@none'], '@@assign': ['x'] } },
      },
    };
    const { effective, ignored } = merged([root(['@@all'], 'member'), strict, account]);
    expect(effective.tags.team?.tag_value).toEqual(['x']);
    expect(ignored.map((i) => [i.policy, i.reason])).toEqual([
      ['policies[2]', 'policies[1] allows child policies no operator here'],
    ]);
  });

  it("a level's own child controls govern the levels below it, not the other policies of its entity", () => {
    const locking = {
      tags: { team: { tag_value: { '@@operators_allowed_for_child_policies': ['@@none'] } } },
    };
    const sibling = { tags: { team: { tag_value: { '@@assign': ['s'] } } } };
    expect(merged([[locking, sibling]]).effective).toEqual({ tags: { team: { tag_value: ['s'] } } });
  });
});

describe('the merge', () => {
  it('matches policy keys without regard to case, keeping the first spelling', () => {
    const root = { tags: { CostCenter: { tag_key: { '@@assign': 'CostCenter' } } } };
    const ou = { tags: { costcenter: { tag_value: { '@@assign': ['1'] } } } };
    expect(effectiveTagPolicy([root, ou])).toEqual({
      tags: { CostCenter: { tag_key: 'CostCenter', tag_value: ['1'] } },
    });
  });

  it("appends without repeats; reads the effective form as @@assign; keeps unitag's required", () => {
    const root = { tags: { team: { tag_value: ['a', 'b'], required: true } } };
    const ou = {
      tags: { team: { tag_value: { '@@append': ['b', 'c'] }, required: { '@@assign': ['sns:topic'] } } },
    };
    expect(effectiveTagPolicy([root, ou])).toEqual({
      tags: { team: { tag_value: ['a', 'b', 'c'], required: ['sns:topic'] } },
    });
  });

  it('says that a @@remove in the first policy has nothing to remove from', () => {
    const { effective, ignored } = merged([{ tags: { team: { tag_value: { '@@remove': ['a'] } } } }]);
    expect(effective).toEqual({ tags: {} });
    expect(ignored[0]?.reason).toMatch(/nothing to remove from: give the parent policies first/);
  });

  it('names the policy at fault, and refuses what is not a list of policies', () => {
    const bad = { tags: { mail: { tag_value: ['*@*.com'] } } };
    expect(() => effectiveTagPolicy([A, bad], { names: ['root.json', 'ou.json'] })).toThrow(
      /^ou\.json: tags\.mail\.tag_value\[0\]: "\*@\*\.com" holds more than one "\*"/,
    );
    expect(() => effectiveTagPolicy([A, '{not json'])).toThrow(/^policies\[1\]: not JSON/);
    expect(() => effectiveTagPolicy([A, []])).toThrow(/^policies\[1\]: an empty list/);
    expect(() => effectiveTagPolicy([])).toThrow(expect.objectContaining({ code: 'ConfigurationError' }));
    expect(() => effectiveTagPolicy([A], { names: 'root' as never })).toThrow(
      /names must be a list of names/,
    );
  });
});

// Policies of one key, with values from a small alphabet so that levels overlap.
const value = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'x*');
const values = fc.uniqueArray(value, { minLength: 1, maxLength: 4 });
const key = fc.constantFrom('team', 'Team', 'TEAM', 'owner');
const statement = fc.record(
  {
    tag_key: fc.constant(undefined),
    tag_value: fc.oneof(
      values.map((v) => ({ '@@assign': v })),
      values.map((v) => ({ '@@append': v })),
      fc.tuple(values, values).map(([v, w]) => ({ '@@assign': v, '@@append': w })),
    ),
    enforced_for: fc.option(
      fc.uniqueArray(fc.constantFrom('sns:topic', 'ec2:*', 's3:ALL_SUPPORTED'), { minLength: 1 }),
      {
        nil: undefined,
      },
    ),
  },
  { requiredKeys: ['tag_value'] },
);
const policy = fc
  .dictionary(key, statement, { minKeys: 1, maxKeys: 2 })
  .filter((tags) => new Set(Object.keys(tags).map((k) => k.toLowerCase())).size === Object.keys(tags).length)
  .map((tags) => ({
    tags: Object.fromEntries(
      Object.entries(tags).map(([k, s]) => [
        k,
        Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)),
      ]),
    ),
  }));

describe('properties', () => {
  it('a list of one policy is that policy', () => {
    fc.assert(
      fc.property(policy, (p) => {
        expect(parseTagPolicy(effectiveTagPolicy([p]))).toEqual(parseTagPolicy(p));
      }),
    );
  });

  it('an @@assign at the last level wins, whatever the levels above say (without child controls)', () => {
    fc.assert(
      fc.property(fc.array(policy, { maxLength: 4 }), values, (above, last) => {
        const account = { tags: { team: { tag_value: { '@@assign': last } } } };
        const { tags } = effectiveTagPolicy([...above, account]);
        const team = Object.entries(tags).find(([k]) => k.toLowerCase() === 'team')?.[1];
        expect(team?.tag_value).toEqual(last);
      }),
    );
  });

  it('an @@append keeps every inherited value, in order, then adds its own', () => {
    fc.assert(
      fc.property(values, values, (inherited, added) => {
        const root = { tags: { team: { tag_value: { '@@assign': inherited } } } };
        const ou = { tags: { team: { tag_value: { '@@append': added } } } };
        expect(effectiveTagPolicy([root, ou]).tags.team?.tag_value).toEqual([
          ...new Set([...inherited, ...added]),
        ]);
      }),
    );
  });

  it('under @@none, no level below changes the member', () => {
    fc.assert(
      fc.property(values, fc.array(policy, { minLength: 1, maxLength: 4 }), (locked, below) => {
        const root = {
          tags: {
            team: { tag_value: { '@@operators_allowed_for_child_policies': ['@@none'], '@@assign': locked } },
          },
        };
        expect(effectiveTagPolicy([root, ...below]).tags.team?.tag_value).toEqual(locked);
      }),
    );
  });
});
