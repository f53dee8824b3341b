import type { Catalog } from './types.js';

const calls = { tag: ['TagResource'], untag: ['UntagResource'], list: ['ListTagsForResource'] };
const MOCKED =
  "Every call: LocalStack's community edition has no Organizations API (it answers 501), so only mocked SDK clients test this type (`test/unit/adapters/organizations.test.ts`).";
const GLOBAL =
  "Organizations is global: every call goes to the partition's one endpoint (us-east-1; cn-northwest-1 in China; us-gov-west-1), and answers only in the management account (the ARN's) or a delegated administrator account; any other is `AccessDenied`, and an account in no organization `AccountMismatch`.";

/** AWS Organizations accounts, organizational units, roots and policies (adapters/organizations.ts). */
export const catalog: Catalog = [
  {
    type: 'organizations:account',
    arn: 'arn:aws:organizations::MANAGEMENT-ACCOUNT:account/o-ORG/ACCOUNT',
    example: 'arn:aws:organizations::111111111111:account/o-exampleorgid/222222222222',
    calls,
    identifier: 'the account id, as `ResourceId`',
    notes: `${GLOBAL} ListTagsForResource pages by NextToken.`,
    mockedOnly: MOCKED,
  },
  {
    type: 'organizations:ou',
    arn: 'arn:aws:organizations::MANAGEMENT-ACCOUNT:ou/o-ORG/ou-ROOT-OU',
    example: 'arn:aws:organizations::111111111111:ou/o-exampleorgid/ou-ab12-cdefgh34',
    calls,
    identifier: 'the OU id (`ou-...`), as `ResourceId`',
    mockedOnly: MOCKED,
  },
  {
    type: 'organizations:root',
    arn: 'arn:aws:organizations::MANAGEMENT-ACCOUNT:root/o-ORG/r-ROOT',
    example: 'arn:aws:organizations::111111111111:root/o-exampleorgid/r-ab12',
    calls,
    identifier: 'the root id (`r-...`), as `ResourceId`',
    mockedOnly: MOCKED,
  },
  {
    type: 'organizations:policy',
    arn: 'arn:aws:organizations::MANAGEMENT-ACCOUNT:policy/o-ORG/POLICY-TYPE/p-POLICY',
    example:
      'arn:aws:organizations::111111111111:policy/o-exampleorgid/service_control_policy/p-examplepolicyid111',
    calls,
    identifier: 'the policy id (`p-...`), as `ResourceId`',
    notes:
      'Policies of every type (service control, tag, backup, ...). AWS managed policies (`arn:aws:organizations::aws:policy/...`) are `UnsupportedResource`.',
    mockedOnly: MOCKED,
  },
];
