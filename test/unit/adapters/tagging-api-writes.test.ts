import {
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
  UntagResourcesCommand,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/core/engine.js';
import { CREDENTIALS, mockClients } from '../../mocks/sdk.js';

// The tagging API's batch writes on a mocked client: the answer's FailedResourcesMap is the only thing that says
// which ARNs were written, so an output without it (as the SDK makes of a document the API does not define) is
// MalformedResponse for every ARN of the call, never `changed`. test/unit/adapters/write-answers.test.ts checks the
// raw answers.
const { rgta } = mockClients({ rgta: ResourceGroupsTaggingAPIClient });
const db = (n: number) => `arn:aws:rds:us-east-1:123456789012:db:db${n}`;

async function tagBatch(arns: string[]) {
  const e = new Engine({ region: 'us-east-1', credentials: CREDENTIALS });
  return e.writeBatch(
    e.registry.fallback,
    arns.map((arn) => e.resolve(arn)),
    { set: { a: '1' }, remove: [] },
  );
}

describe('tagging-API batch writes', () => {
  it.each([
    ['no FailedResourcesMap', {}],
    ['a FailedResourcesMap that is null', { FailedResourcesMap: null }],
    ['a FailedResourcesMap that is a list', { FailedResourcesMap: [] }],
  ])('an answer with %s fails every ARN of the call with MalformedResponse', async (_, answer) => {
    rgta.on(TagResourcesCommand).resolves(answer as never);
    const result = await tagBatch([db(1), db(2)]);
    expect([...result.values()]).toEqual([
      expect.objectContaining({ code: 'MalformedResponse' }),
      expect.objectContaining({ code: 'MalformedResponse' }),
    ]);
  });

  it('an ARN whose failure is not an object is MalformedResponse; the ARNs it leaves out are changed', async () => {
    rgta.on(TagResourcesCommand).resolves({ FailedResourcesMap: { [db(1)]: 'no' as never } });
    const result = await tagBatch([db(1), db(2)]);
    expect(result.get(db(1))).toMatchObject({ code: 'MalformedResponse', arn: db(1) });
    expect(result.get(db(2))).toBe('changed');
  });

  it('a call that fails fails only its own ARNs: those of an earlier call keep their outcome', async () => {
    // Prepare: 21 ARNs are two calls; the second is answered without FailedResourcesMap.
    rgta.on(TagResourcesCommand).resolvesOnce({ FailedResourcesMap: {} }).resolves({});
    const arns = Array.from({ length: 21 }, (_, i) => db(i));
    // Act
    const result = await tagBatch(arns);
    // Assess
    expect(arns.slice(0, 20).map((arn) => result.get(arn))).toEqual(arns.slice(0, 20).map(() => 'changed'));
    expect(result.get(db(20))).toMatchObject({ code: 'MalformedResponse' });
  });

  it('untag: an answer without FailedResourcesMap is never changed', async () => {
    rgta.on(UntagResourcesCommand).resolves({});
    const e = new Engine({ region: 'us-east-1', credentials: CREDENTIALS });
    const result = await e.writeBatch(e.registry.fallback, [e.resolve(db(1))], { set: {}, remove: ['a'] });
    expect(result.get(db(1))).toMatchObject({ code: 'MalformedResponse' });
  });
});
