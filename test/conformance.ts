import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tagger } from '../src/index.js';

/** Keys that every plain JavaScript object also has as (inherited) properties; `__proto__` first. */
export const PROPERTY_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];

/** One adapter's resources, as the shared conformance suite needs them. */
export interface ConformanceTarget {
  /** Shown in the test names: `sns topic`, `iam role`, ... */
  name: string;
  /** Creates a fresh, untagged resource and returns its ARN. */
  create(): Promise<string>;
  /** The ARN of a resource that does not exist; omit where the service (or LocalStack) does not check. */
  missing?: () => string;
  /** The service's list operation does not check existence (EC2 DescribeTags): only writes must fail. */
  missingOnlyOnWrite?: boolean;
  /**
   * LocalStack answers untag with a per-ARN "Service not yet supported" (its tagging API untags fewer
   * services than it tags): the untag cases then assert that typed error and that no tag was lost.
   */
  untagUnsupportedOnLocalStack?: boolean;
  /**
   * The tagging API stands in for an adapter whose SDK package is missing: its answer leaves an untagged resource
   * out, so the read fails with ClientMissing instead of reading {}.
   */
  standIn?: boolean;
  /** S3 objects: creates an object with two versions and returns its ARN and their ids (oldest first). */
  versions?: () => Promise<{ arn: string; versionIds: [string, string] }>;
}

/** Where the suite runs: the tagger it uses (on LocalStack, or on mocked clients). */
export interface ConformanceSetup {
  tagger(): Tagger;
}

/**
 * The contract every adapter keeps, run against LocalStack and against mocked clients: tag then list,
 * overwrite, untag only the named keys, untag of an absent key, `{}` for an untagged resource, keys named like
 * JavaScript properties, an aborted call that changes nothing, S3 object versions, and `ResourceNotFound` for a
 * missing resource.
 */
export function testAdapter(target: ConformanceTarget, setup: ConformanceSetup): void {
  describe(`${target.name} conformance`, () => {
    let tagger: Tagger;
    let arn: string;

    beforeAll(async () => {
      tagger = setup.tagger();
      arn = await target.create();
    });
    afterAll(() => tagger.destroy());

    if (target.standIn) {
      it('fails the read of an untagged resource with ClientMissing, never {}', async () => {
        await expect(tagger.list(arn)).rejects.toMatchObject({ code: 'ClientMissing', arn });
      });
    } else {
      it('lists an untagged resource as {}', async () => {
        expect(await tagger.list(arn)).toEqual({});
      });
    }

    it('tags, then lists what it tagged', async () => {
      await tagger.tag(arn, { project: 'QuarkEagle', stage: 'beta', owner: 'platform' });
      expect(await tagger.list(arn)).toEqual({ project: 'QuarkEagle', stage: 'beta', owner: 'platform' });
    });

    it('overwrites one value and leaves the other tags alone', async () => {
      await tagger.tag(arn, { stage: 'prod' });
      expect(await tagger.list(arn)).toEqual({ project: 'QuarkEagle', stage: 'prod', owner: 'platform' });
    });

    if (target.untagUnsupportedOnLocalStack) {
      it('reports the refused untag as UnsupportedResource and loses no tag', async () => {
        await expect(tagger.untag(arn, ['stage'])).rejects.toMatchObject({
          code: 'UnsupportedResource',
          arn,
        });
        expect(await tagger.list(arn)).toEqual({ project: 'QuarkEagle', stage: 'prod', owner: 'platform' });
      });
    } else {
      it('untags only the named keys', async () => {
        await tagger.untag(arn, ['stage']);
        expect(await tagger.list(arn)).toEqual({ project: 'QuarkEagle', owner: 'platform' });
      });

      it('untags an absent key without error', async () => {
        await tagger.untag(arn, ['never-set', 'owner']);
        expect(await tagger.list(arn)).toEqual({ project: 'QuarkEagle' });
      });
    }

    it('takes keys named like JavaScript properties as keys: tag, list, plan, apply, untag', async () => {
      // Prepare: a fresh resource, and keys that are also properties of every plain object.
      const fresh = await target.create();
      const tags = Object.fromEntries(PROPERTY_KEYS.map((key, i) => [key, `v${i}`]));
      // Act and Assess
      await tagger.tag(fresh, tags);
      expect(Object.entries(await tagger.list(fresh)).sort()).toEqual(Object.entries(tags).sort());
      const planned = await tagger.plan([
        {
          arn: fresh,
          setIfAbsent: Object.fromEntries([
            ['constructor', 'overwritten'],
            ['isPrototypeOf', 'new'],
          ]),
          ...(target.untagUnsupportedOnLocalStack ? {} : { remove: ['toString', '__proto__'] }),
        },
      ]);
      const entry = planned.entries[0];
      expect(entry?.status).toBe('change');
      expect(Object.entries(entry?.set ?? {})).toEqual([['isPrototypeOf', 'new']]);
      expect([...(entry?.remove ?? [])].sort()).toEqual(
        target.untagUnsupportedOnLocalStack ? [] : ['__proto__', 'toString'],
      );
      const applied = await tagger.apply(planned);
      expect(applied.totals).toMatchObject({ changed: 1, failed: 0 });
      const after = new Map(Object.entries(tags)).set('isPrototypeOf', 'new');
      if (!target.untagUnsupportedOnLocalStack) {
        after.delete('toString');
        after.delete('__proto__');
        await tagger.untag(fresh, ['valueOf']);
        after.delete('valueOf');
      }
      expect(Object.entries(await tagger.list(fresh)).sort()).toEqual([...after].sort());
    });

    it('an aborted call ends with Aborted and changes nothing', async () => {
      const before = await tagger.list(arn);
      const controller = new AbortController();
      controller.abort();
      const { signal } = controller;
      await expect(tagger.tag(arn, { aborted: 'yes' }, { signal })).rejects.toMatchObject({
        code: 'Aborted',
        arn,
      });
      await expect(tagger.untag(arn, Object.keys(before), { signal })).rejects.toMatchObject({
        code: 'Aborted',
      });
      await expect(tagger.list(arn, { signal })).rejects.toMatchObject({ code: 'Aborted' });
      expect(await tagger.list(arn)).toEqual(before);
    });

    const versions = target.versions;
    if (versions) {
      it('tags one object version, leaving the other as it was', async () => {
        const { arn: object, versionIds } = await versions();
        const [old, current] = versionIds;
        await tagger.tag(object, { version: 'old' }, { versionId: old });
        await tagger.tag(object, { version: 'current' });
        expect(await tagger.list(object, { versionId: old })).toEqual({ version: 'old' });
        expect(await tagger.list(object, { versionId: current })).toEqual({ version: 'current' });
        await tagger.untag(object, ['version'], { versionId: old });
        expect(await tagger.list(object, { versionId: old })).toEqual({});
        expect(await tagger.list(object)).toEqual({ version: 'current' });
      });
    }

    const missing = target.missing;
    if (missing) {
      it('gives ResourceNotFound for a resource that does not exist', async () => {
        if (!target.missingOnlyOnWrite) {
          await expect(tagger.list(missing())).rejects.toMatchObject({ code: 'ResourceNotFound' });
        }
        await expect(tagger.tag(missing(), { a: 'b' })).rejects.toMatchObject({ code: 'ResourceNotFound' });
      });
    }
  });
}
