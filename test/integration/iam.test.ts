import { describe, expect, it } from 'vitest';
import { createIam } from '../../fixtures/aws-resources.js';
import { testAdapter } from '../conformance.js';
import { ACCOUNT, awsConfig, localTagger, onLocalStack, uniqueName } from '../helpers.js';

describe('IAM on LocalStack', () => {
  testAdapter(
    {
      name: 'iam user (with a path)',
      create: () => createIam(awsConfig(), 'user', uniqueName('alice')),
      missing: () => `arn:aws:iam::${ACCOUNT}:user/division/${uniqueName('nobody')}`,
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 'iam role (with a path)',
      create: () => createIam(awsConfig(), 'role', uniqueName('role')),
      missing: () => `arn:aws:iam::${ACCOUNT}:role/${uniqueName('nobody')}`,
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 'iam policy',
      create: () => createIam(awsConfig(), 'policy', uniqueName('policy')),
      missing: () => `arn:aws:iam::${ACCOUNT}:policy/${uniqueName('nobody')}`,
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 'iam instance profile',
      create: () => createIam(awsConfig(), 'instance-profile', uniqueName('profile')),
      missing: () => `arn:aws:iam::${ACCOUNT}:instance-profile/${uniqueName('nobody')}`,
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 'iam oidc provider',
      create: () => createIam(awsConfig(), 'oidc-provider', uniqueName('oidc')),
    },
    onLocalStack,
  );

  it('untag of Project removes a stored project', async () => {
    const tagger = localTagger();
    const arn = await createIam(awsConfig(), 'user', uniqueName('case'));
    await tagger.tag(arn, { project: 'a', Department: 'finance' });
    await tagger.untag(arn, ['Project']);
    expect(await tagger.list(arn)).toEqual({ Department: 'finance' });
  });

  it('a plan writes a value under the stored spelling of its key', async () => {
    const tagger = localTagger();
    const arn = await createIam(awsConfig(), 'role', uniqueName('case'));
    await tagger.tag(arn, { Department: 'finance' });
    const planned = await tagger.plan([{ arn, set: { department: 'hr' }, setIfAbsent: { DEPARTMENT: 'x' } }]);
    expect(planned.entries[0]).toMatchObject({
      set: { Department: 'hr' },
      remove: [],
      after: { Department: 'hr' },
    });
    await tagger.apply(planned);
    expect(await tagger.list(arn)).toEqual({ Department: 'hr' });
  });

  it('refuses keys that differ only in case before any call', async () => {
    const tagger = localTagger();
    const arn = await createIam(awsConfig(), 'role', uniqueName('case'));
    await expect(tagger.tag(arn, { Team: 'a', team: 'b' })).rejects.toMatchObject({ code: 'InvalidTag' });
    expect(tagger.calls).toBe(0);
  });
});
