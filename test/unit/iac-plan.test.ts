import { describe, expect, it } from 'vitest';
import { ConfigurationError, ManagedByIaCError } from '../../src/core/errors.js';
import { newTags } from '../../src/core/shapes.js';
import { driftOf } from '../../src/iac/drift.js';
import { type Annotated, annotate, iacOptions } from '../../src/iac/plan-iac.js';
import { iacNote, revertedKeys } from '../../src/iac/reverts.js';
import { iacSource, matchKey } from '../../src/iac/sources.js';
import type { IacResource } from '../../src/iac/types.js';

const tags = (o: Record<string, string>) => Object.assign(newTags(), o);
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:orders';
const terraform = (
  declared: Record<string, string | undefined>,
  extra: Partial<IacResource> = {},
): IacResource => ({
  tool: 'terraform',
  arn: TOPIC,
  address: 'aws_sns_topic.orders',
  source: 'terraform.tfstate',
  declared: Object.assign(newTags(), declared),
  authority: 'whole',
  ...extra,
});
const stack = (
  declared: Record<string, string | undefined>,
  extra: Partial<IacResource> = {},
): IacResource => ({
  ...terraform(declared),
  tool: 'cloudformation',
  address: undefined,
  stack: 'shop',
  authority: 'declared',
  ...extra,
});

describe('revertedKeys: what a tool sets back at its next run', () => {
  it('Terraform and Pulumi own the whole set: an added key is removed, a declared one set back', () => {
    const before = tags({ team: 'shop' });
    const after = tags({ team: 'web', owner: 'me' });
    expect(revertedKeys(terraform({ team: 'shop' }), before, after)).toEqual(['owner', 'team']);
    // A removal of a declared key is undone; the same value written is not a change.
    expect(revertedKeys(terraform({ team: 'shop' }), before, tags({}))).toEqual(['team']);
    expect(revertedKeys(terraform({ team: 'shop' }), before, tags({ team: 'shop' }))).toEqual([]);
  });

  it('CloudFormation resets only what it declares; a computed value or unknown tags count as reset', () => {
    const before = tags({ team: 'shop' });
    expect(revertedKeys(stack({ team: 'shop' }), before, tags({ team: 'shop', owner: 'me' }))).toEqual([]);
    expect(revertedKeys(stack({ env: undefined }), before, tags({ team: 'shop', env: 'x' }))).toEqual([
      'env',
    ]);
    expect(
      revertedKeys(stack({}, { tagsUnknown: true }), before, tags({ team: 'shop', owner: 'me' })),
    ).toEqual(['owner']);
  });

  it('ignored keys, aws: keys and keys that are JavaScript property names', () => {
    const ignores = (k: string) => k === 'owner' || k.startsWith('kubernetes.io/');
    const after = tags(
      JSON.parse('{"owner":"me","kubernetes.io/cluster":"a","__proto__":"x","constructor":"y"}'),
    );
    expect(revertedKeys(terraform({}, { ignores }), tags({}), after)).toEqual(['__proto__', 'constructor']);
    expect(revertedKeys(terraform({ constructor: 'y' }), tags({}), tags({ constructor: 'y' }))).toEqual([]);
    expect(revertedKeys(terraform({}), tags({ 'aws:cloudformation:stack-name': 's' }), tags({}))).toEqual([]);
  });

  it('iacNote: the first tool that undoes something, else the first, the others in also', () => {
    const note = iacNote(
      [stack({ team: 'shop' }), terraform({ team: 'shop' })],
      tags({}),
      tags({ owner: 'me' }),
    );
    expect(note).toEqual({
      tool: 'terraform',
      address: 'aws_sns_topic.orders',
      reverts: ['owner'],
      also: [{ tool: 'cloudformation', stack: 'shop', reverts: [] }],
    });
    expect(iacNote([stack({})], tags({}), tags({ owner: 'me' }))).toEqual({
      tool: 'cloudformation',
      stack: 'shop',
      reverts: [],
    });
    expect(iacNote([], tags({}), tags({}))).toBeUndefined();
  });
});

describe('annotate: a plan against infrastructure as code', () => {
  const entry = (): Annotated => ({
    arn: TOPIC,
    status: 'change',
    before: tags({ team: 'shop' }),
    after: tags({ team: 'web' }),
  });
  const source = iacSource([terraform({ team: 'shop' })]);

  it('warn notes the tool and counts; refuse fails the entry with ManagedByIaC; ignore looks at nothing', async () => {
    const warned = [entry(), { ...entry(), arn: 'arn:aws:sns:us-east-1:000000000000:other' }];
    expect(await annotate(warned, { source })).toBe(1);
    expect(warned[0]).toMatchObject({ status: 'change', iac: { tool: 'terraform', reverts: ['team'] } });
    expect(warned[1]?.iac).toBeUndefined();
    const refused = [entry()];
    expect(await annotate(refused, { source, mode: 'refuse' })).toBe(1);
    expect(refused[0]?.status).toBe('failed');
    expect(refused[0]?.error).toBeInstanceOf(ManagedByIaCError);
    expect(refused[0]?.error).toMatchObject({
      code: 'ManagedByIaC',
      arn: TOPIC,
      service: 'sns',
      message: expect.stringMatching(
        /^Terraform aws_sns_topic\.orders would undo this change to team of .*nothing was written/,
      ),
    });
    const ignored = [entry()];
    expect(await annotate(ignored, { source, mode: 'ignore' })).toBeUndefined();
    expect(ignored[0]?.iac).toBeUndefined();
  });

  it.each([
    ['not an object', 5],
    ['no source', { mode: 'warn' }],
    ['a source without lookup', { source: {} }],
    ['an unknown mode', { source, mode: 'strict' }],
  ])('iacOptions refuses %s with a ConfigurationError', (_, value) => {
    expect(() => iacOptions(value)).toThrow(ConfigurationError);
  });
});

describe('drift and matching', () => {
  it('driftOf: both ways, with what a fix sets back', () => {
    const live = tags({ team: 'web', owner: 'me', 'aws:cloudformation:stack-name': 's' });
    const drift = driftOf(terraform({ team: 'shop', env: 'prod', computed: undefined }), live);
    expect(drift).toEqual({
      differs: ['computed', 'env', 'team'],
      extra: ['owner'],
      restore: tags({ team: 'shop', env: 'prod' }),
    });
    expect(driftOf(stack({ team: 'web' }), live)).toEqual({ differs: [], extra: [], restore: tags({}) });
  });

  it('matchKey: IAM by name whatever the path, log groups with or without :*', () => {
    expect(matchKey('arn:aws:iam::000000000000:role/service-role/app')).toBe(
      matchKey('arn:aws:iam::000000000000:role/app'),
    );
    expect(matchKey('arn:aws:logs:us-east-1:000000000000:log-group:/app:*')).toBe(
      'arn:aws:logs:us-east-1:000000000000:log-group:/app',
    );
    expect(matchKey(TOPIC)).toBe(TOPIC);
  });

  it('iacSource: up-front declarations and a lookup that finds more (a stack)', async () => {
    const more = { lookup: async (arn: string) => (arn === TOPIC ? stack({ team: 'shop' }) : undefined) };
    const source = iacSource([terraform({})], more);
    expect((await source.lookup(TOPIC)).map((r) => r.tool)).toEqual(['terraform', 'cloudformation']);
    expect(await source.lookup('arn:aws:sns:us-east-1:000000000000:x')).toEqual([]);
    expect(source.resources().map((r) => r.tool)).toEqual(['terraform']);
  });
});

describe('tagger.plan with iac', () => {
  it('refuses bad iac options before any call', async () => {
    const { createTagger } = await import('../../src/tagger.js');
    const tagger = createTagger({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const changes = [{ arn: TOPIC, set: { team: 'web' } }];
    await expect(tagger.plan(changes, { iac: { source: {} } } as never)).rejects.toThrow(
      /options\.iac must be/,
    );
    await expect(
      tagger.plan(changes, { iac: { source: iacSource([]), mode: 'x' } } as never),
    ).rejects.toBeInstanceOf(ConfigurationError);
    expect(tagger.calls).toBe(0);
  });
});

describe('a source that cannot be read', () => {
  it('fails the entry with its error, never takes it for "not managed"', async () => {
    const { AccessDeniedError } = await import('../../src/core/errors.js');
    const denied = new AccessDeniedError('not authorized to perform cloudformation:ListStacks', {
      arn: TOPIC,
    });
    const source = iacSource([], { lookup: async () => Promise.reject(denied) });
    const entries: Annotated[] = [
      { arn: TOPIC, status: 'change', before: tags({}), after: tags({ a: '1' }) },
    ];
    expect(await annotate(entries, { source })).toBe(0);
    expect(entries[0]).toMatchObject({ status: 'failed', error: denied });
    const broken = iacSource([], { lookup: async () => Promise.reject(new TypeError('boom')) });
    const other: Annotated[] = [{ arn: TOPIC, status: 'change', before: tags({}), after: tags({ a: '1' }) }];
    await annotate(other, { source: broken, mode: 'refuse' });
    expect(other[0]?.error).toBeInstanceOf(ConfigurationError);
  });
});
