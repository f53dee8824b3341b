// fitPolicy: a least-privilege policy within IAM's size, widened as little as it takes (every resource still
// allowed by a pattern of its own statement, with the same actions), or split with every ARN kept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitPolicy, type PolicyDocument } from '../../src/index.js';

const document = (resources: string[][], anywhere = true): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    ...(anywhere
      ? [{ Sid: 'UnitagAnyResource', Effect: 'Allow' as const, Action: ['tag:GetResources'], Resource: '*' }]
      : []),
    ...resources.map((list, i) => ({
      Sid: `UnitagResources${i + 1}`,
      Effect: 'Allow' as const,
      Action: [`sns:TagResource${i}`],
      Resource: list.length === 1 ? (list[0] as string) : list,
    })),
  ],
});
const size = (d: PolicyDocument) => JSON.stringify(d).length;
/** True when IAM's Resource `pattern` (with `*` and `?` wildcards) names `arn`. */
const names = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(arn);

const word = fc.stringMatching(/^[a-z]{1,6}$/);
const arn = fc
  .tuple(
    fc.constantFrom('sns', 'sqs'),
    fc.constantFrom('us-east-1', 'eu-west-1'),
    fc.constantFrom('111111111111', '222222222222'),
    word,
    fc.nat(5000),
  )
  .map(([service, region, account, name, n]) => `arn:aws:${service}:${region}:${account}:${name}-${n}`);

describe('fitPolicy', () => {
  it('leaves a policy that fits as it is', () => {
    const small = document([['arn:aws:sns:us-east-1:111111111111:a']]);
    expect(fitPolicy(small)).toEqual({ policies: [small], widened: [], fits: true });
  });

  it('widens to patterns that fit, each resource still allowed in its own statement (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(arn, { minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 3 }),
        (lists) => {
          const given = document(lists);
          const { policies, fits } = fitPolicy(given, { maxSize: 2000 });
          expect(policies).toHaveLength(1);
          const [fitted] = policies as [PolicyDocument];
          if (fits) expect(size(fitted)).toBeLessThanOrEqual(2000);
          for (const [i, statement] of given.Statement.entries()) {
            const after = fitted.Statement[i];
            expect(after?.Action).toEqual(statement.Action);
            const patterns = [after?.Resource ?? []].flat();
            for (const resource of [statement.Resource].flat()) {
              expect(patterns.some((p) => names(p, resource))).toBe(true);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('takes the narrowest step that fits: names sharing a first word before a whole account', () => {
    const topics = Array.from({ length: 300 }, (_, i) => `arn:aws:sns:us-east-1:111111111111:orders-${i}`);
    const { policies, widened } = fitPolicy(
      document([[...topics, 'arn:aws:sns:us-east-1:111111111111:audit']]),
    );
    expect(policies[0]?.Statement[1]?.Resource).toEqual([
      'arn:aws:sns:us-east-1:111111111111:audit',
      'arn:aws:sns:us-east-1:111111111111:orders-*',
    ]);
    expect(widened).toEqual([{ pattern: 'arn:aws:sns:us-east-1:111111111111:orders-*', resources: 300 }]);
  });

  it('exact: every ARN once, in as many policies as it takes, each within the size (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(arn, { minLength: 1, maxLength: 200 }), { minLength: 1, maxLength: 3 }),
        (lists) => {
          const { policies, widened, fits } = fitPolicy(document(lists), { maxSize: 1500, exact: true });
          expect(widened).toEqual([]);
          expect(fits).toBe(true);
          for (const p of policies) expect(size(p)).toBeLessThanOrEqual(1500);
          const all = policies
            .flatMap((p) => p.Statement.flatMap((s) => [s.Resource].flat()))
            .filter((r) => r !== '*');
          expect(all.sort()).toEqual(lists.flat().sort());
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses a size that is not a whole number of 200 or more', () => {
    expect(() => fitPolicy(document([['arn:aws:sns:us-east-1:1:a']]), { maxSize: 10 })).toThrow(
      /maxSize must be/,
    );
  });

  it('says what an odd size is, even one that has no text (an object without a prototype)', () => {
    for (const maxSize of [Object.create(null), Symbol('x'), '2000', 1500.5]) {
      expect(() =>
        fitPolicy(document([['arn:aws:sns:us-east-1:1:a']]), { maxSize: maxSize as number }),
      ).toThrow(
        expect.objectContaining({
          code: 'ConfigurationError',
          message: expect.stringMatching(/got (an object|a symbol|the string "2000"|the number 1500.5)\./),
        }),
      );
    }
  });
});
