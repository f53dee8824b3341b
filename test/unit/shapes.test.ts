import {
  ListTagsForResourceCommand,
  SNSClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderPlan, renderTags } from '../../src/cli/render.js';
import { fromTagList, tagsFromEntries, toTagList } from '../../src/core/shapes.js';
import { createTagger } from '../../src/index.js';
import { parseJob } from '../../src/jobs/job.js';

// Any key is a key: names that are also properties of every JavaScript object (`__proto__`, `constructor`,
// `toString`, ...) must behave like any other key through shapes, plans, rendering and job files.
const sns = mockClient(SNSClient);
beforeEach(() => sns.reset());

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const safeText = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(...'abcXYZ019_.:/=+-@ '.split('')),
    minLength: min,
    maxLength: max,
  });
const key = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), safeText(1, 12));
const value = safeText(0, 8);
const tagEntries = fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 12 });

/** Sorted entries: compares tag maps whatever their prototype and key order. */
const entries = (tags: Record<string, string> | undefined) => Object.entries(tags ?? {}).sort();

describe('any key is a key', () => {
  it('the prototype names are what this test is about', () => {
    expect(PROTOTYPE_NAMES).toEqual(
      expect.arrayContaining(['__proto__', 'constructor', 'toString', 'valueOf']),
    );
  });

  it('fromTagList and toTagList round-trip every key (property)', () => {
    fc.assert(
      fc.property(tagEntries, (pairs) => {
        const list = pairs.map(([Key, Value]) => ({ Key, Value }));
        const tags = fromTagList(list);
        expect(entries(tags)).toEqual([...pairs].sort());
        const sorted = (l: { Key: string; Value: string }[]) =>
          l.map(({ Key, Value }) => [Key, Value]).sort();
        expect(sorted(toTagList(tags))).toEqual(sorted(list));
      }),
    );
  });

  it('plan and apply follow a model of the change for every key (property)', async () => {
    const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';
    const keys = fc.uniqueArray(key, { maxLength: 6 });
    let current: [string, string][] = [];
    sns
      .on(ListTagsForResourceCommand)
      .callsFake(() => ({ Tags: current.map(([Key, Value]) => ({ Key, Value })) }));
    sns.on(TagResourceCommand).resolves({});
    sns.on(UntagResourceCommand).resolves({});
    // No tagging-API probe: this is about keys, and the probe's client would look for a real endpoint.
    const tagger = createTagger({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      preferTaggingApi: false,
      // The model renames over a key already carried (conflicts have their own tests: rename-conflict.test.ts).
      onConflict: 'overwrite',
    });
    await fc.assert(
      fc.asyncProperty(
        tagEntries,
        tagEntries,
        tagEntries,
        keys,
        fc.uniqueArray(fc.tuple(key, key), { selector: ([from]) => from, maxLength: 3 }),
        async (before, set, setIfAbsent, remove, rename) => {
          // Prepare: the model, a Map, which has no inherited keys.
          const model = new Map(before);
          for (const [from, to] of rename) {
            if (!model.has(from)) continue;
            const moved = model.get(from) as string;
            model.delete(from);
            model.set(to, moved);
          }
          for (const [k, v] of set) model.set(k, v);
          for (const [k, v] of setIfAbsent) if (!model.has(k)) model.set(k, v);
          for (const k of remove) model.delete(k);
          current = before;
          sns.resetHistory();
          // Act
          const planned = await tagger.plan([
            {
              arn: TOPIC,
              set: tagsFromEntries(set),
              setIfAbsent: tagsFromEntries(setIfAbsent),
              remove,
              rename: tagsFromEntries(rename),
            },
          ]);
          const report = await tagger.apply(planned);
          // Assess
          const entry = planned.entries[0];
          expect(entries(entry?.after)).toEqual([...model].sort());
          const beforeMap = new Map(before);
          const expectedSet = [...model].filter(([k, v]) => beforeMap.get(k) !== v || !beforeMap.has(k));
          const expectedRemove = before.map(([k]) => k).filter((k) => !model.has(k));
          expect(entries(entry?.set)).toEqual(expectedSet.sort());
          expect([...(entry?.remove ?? [])].sort()).toEqual(expectedRemove.sort());
          expect(report.totals.failed).toBe(0);
          const tagged = sns.commandCalls(TagResourceCommand).flatMap((c) => c.args[0].input.Tags ?? []);
          const untagged = sns
            .commandCalls(UntagResourceCommand)
            .flatMap((c) => c.args[0].input.TagKeys ?? []);
          expect(tagged.map(({ Key, Value }) => [Key, Value]).sort()).toEqual(expectedSet.sort());
          expect(untagged.sort()).toEqual(expectedRemove.sort());
          expect(renderPlan(planned)).toContain(TOPIC);
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);

  it('list output in CSV reads back as a job that sets the same tags; JSON and table show every key (property)', () => {
    const ARN = 'arn:aws:sns:us-east-1:123456789012:orders';
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, minLength: 1, maxLength: 12 }),
        (pairs) => {
          const tags = tagsFromEntries(pairs);
          const results = [{ arn: ARN, outcome: 'read' as const, tags }];
          const job = parseJob(renderTags(results, 'csv'), 'csv');
          expect(job.errors).toEqual([]);
          expect(entries(job.changes[0]?.set)).toEqual([...pairs].sort());
          const json = JSON.parse(renderTags(results, 'json')) as { tags: Record<string, string> }[];
          expect(entries(json[0]?.tags)).toEqual([...pairs].sort());
          // A header and one row per tag: a key that vanished (as `__proto__` once did) would leave a row out.
          const table = renderTags(results, 'table').split('\n');
          expect(table).toHaveLength(pairs.length + 1);
        },
      ),
    );
  });

  it('job files keep keys such as __proto__ as keys, in JSON, NDJSON and CSV', () => {
    const arn = 'arn:aws:sns:us-east-1:123456789012:orders';
    const json = `[{"arn":"${arn}","set":{"__proto__":"a","constructor":"b"},"setIfAbsent":{"toString":"c"},"remove":["valueOf"],"rename":{"hasOwnProperty":"__proto__"}}]`;
    const csv = [
      'arn,action,key,value',
      `${arn},set,__proto__,a`,
      `${arn},set,constructor,b`,
      `${arn},set-if-absent,toString,c`,
      `${arn},remove,valueOf,`,
      `${arn},rename,hasOwnProperty,__proto__`,
    ].join('\n');
    for (const job of [parseJob(json, 'json'), parseJob(json.slice(1, -1), 'ndjson'), parseJob(csv, 'csv')]) {
      expect(job.errors).toEqual([]);
      const change = job.changes[0];
      expect(entries(change?.set)).toEqual([
        ['__proto__', 'a'],
        ['constructor', 'b'],
      ]);
      expect(entries(change?.setIfAbsent)).toEqual([['toString', 'c']]);
      expect(change?.remove).toEqual(['valueOf']);
      expect(entries(change?.rename)).toEqual([['hasOwnProperty', '__proto__']]);
    }
  });
});

describe('tags from an added adapter', () => {
  it('come back prototype-free from list and from listMany batches alike', async () => {
    // An adapter of the user's own that answers plain objects, as JSON.parse makes them.
    const plain = () => JSON.parse('{"__proto__":"p","constructor":"c"}') as Record<string, string>;
    const adapter = {
      name: 'made-up',
      describe: () => ({
        type: 'made-up:thing',
        rules: { maxTags: 50, charset: null, caseInsensitiveKeys: false },
      }),
      list: async () => plain(),
      tag: async () => 'changed' as const,
      untag: async () => 'changed' as const,
      listBatchSize: 10,
      listBatch: async (_ctx: unknown, arns: { arn: string }[]) => new Map(arns.map((a) => [a.arn, plain()])),
    };
    const tagger = createTagger({ region: 'us-east-1', adapters: [adapter] });
    const arn = 'arn:aws:made-up:us-east-1:123456789012:thing/x';
    const single = await tagger.list(arn);
    const batched = (await tagger.listMany([arn])).results[0]?.tags ?? {};
    for (const tags of [single, batched]) {
      expect(Object.getPrototypeOf(tags)).toBeNull();
      expect(Object.entries(tags).sort()).toEqual([
        ['__proto__', 'p'],
        ['constructor', 'c'],
      ]);
    }
  });
});
