import type { Catalog } from './types.js';

const PATH_CHECKED =
  "IAM names it without its path, so every call first reads it (path, name and tags at once) and acts only when its path is the ARN's: another path is `ResourceNotFound`.";
const CASE =
  'Keys are case-insensitive, as AWS treats them on users and roles: two keys that differ only in case are refused, and a write uses the spelling stored.';
const PAGING = (operation: string) => `${operation} paging by Marker (LocalStack answers in one page).`;
const CASE_MOCKED =
  "Case-insensitive keys (a fake IAM that keeps each request's spelling, so that only unitag's own choice of spelling passes).";

/** IAM entities (adapters/iam.ts); IAM is global, so its ARNs have no region. */
export const catalog: Catalog = [
  {
    type: 'iam:user',
    arn: 'arn:aws:iam::ACCOUNT:user/PATH/NAME',
    example: 'arn:aws:iam::123456789012:user/team/alice',
    calls: { tag: ['GetUser', 'TagUser'], untag: ['GetUser', 'UntagUser'], list: ['GetUser'] },
    identifier: '`UserName` (the last segment)',
    notes: `${PATH_CHECKED} ${CASE} (Groups cannot be tagged: \`UnsupportedResource\`.)`,
    mockedOnly: CASE_MOCKED,
  },
  {
    type: 'iam:role',
    arn: 'arn:aws:iam::ACCOUNT:role/PATH/NAME',
    example: 'arn:aws:iam::123456789012:role/team/deploy',
    calls: { tag: ['GetRole', 'TagRole'], untag: ['GetRole', 'UntagRole'], list: ['GetRole'] },
    identifier: '`RoleName`',
    notes: `${PATH_CHECKED} ${CASE}`,
    mockedOnly: CASE_MOCKED,
  },
  {
    type: 'iam:policy',
    arn: 'arn:aws:iam::ACCOUNT:policy/PATH/NAME',
    example: 'arn:aws:iam::123456789012:policy/team/read-reports',
    calls: { tag: ['TagPolicy'], untag: ['UntagPolicy'], list: ['ListPolicyTags'] },
    identifier: '`PolicyArn`',
    notes: 'Customer managed policies (AWS managed ones have no account).',
    mockedOnly: PAGING('ListPolicyTags'),
  },
  {
    type: 'iam:instance-profile',
    arn: 'arn:aws:iam::ACCOUNT:instance-profile/PATH/NAME',
    example: 'arn:aws:iam::123456789012:instance-profile/team/web',
    calls: {
      tag: ['GetInstanceProfile', 'TagInstanceProfile'],
      untag: ['GetInstanceProfile', 'UntagInstanceProfile'],
      list: ['GetInstanceProfile'],
    },
    identifier: '`InstanceProfileName`',
    notes: PATH_CHECKED,
    mockedOnly: 'The path check.',
  },
  {
    type: 'iam:oidc-provider',
    arn: 'arn:aws:iam::ACCOUNT:oidc-provider/HOST',
    example: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    calls: {
      tag: ['TagOpenIDConnectProvider'],
      untag: ['UntagOpenIDConnectProvider'],
      list: ['ListOpenIDConnectProviderTags'],
    },
    identifier: '`OpenIDConnectProviderArn`',
    mockedOnly: PAGING('ListOpenIDConnectProviderTags'),
  },
  {
    type: 'iam:saml-provider',
    arn: 'arn:aws:iam::ACCOUNT:saml-provider/NAME',
    example: 'arn:aws:iam::123456789012:saml-provider/corp-idp',
    calls: { tag: ['TagSAMLProvider'], untag: ['UntagSAMLProvider'], list: ['ListSAMLProviderTags'] },
    identifier: '`SAMLProviderArn`',
    mockedOnly: 'Every call: LocalStack answers 501 to SAML providers.',
  },
  {
    type: 'iam:server-certificate',
    arn: 'arn:aws:iam::ACCOUNT:server-certificate/PATH/NAME',
    example: 'arn:aws:iam::123456789012:server-certificate/team/web-2026',
    calls: {
      tag: ['GetServerCertificate', 'TagServerCertificate'],
      untag: ['GetServerCertificate', 'UntagServerCertificate'],
      list: ['GetServerCertificate'],
    },
    identifier: '`ServerCertificateName`',
    notes: PATH_CHECKED,
    mockedOnly: 'Every call, the path check included: LocalStack answers 501 to server certificates.',
  },
  {
    type: 'iam:mfa',
    arn: 'arn:aws:iam::ACCOUNT:mfa/NAME',
    example: 'arn:aws:iam::123456789012:mfa/alice-phone',
    calls: { tag: ['TagMFADevice'], untag: ['UntagMFADevice'], list: ['ListMFADeviceTags'] },
    identifier: '`SerialNumber` (the ARN)',
    notes: 'Virtual MFA devices.',
    mockedOnly: 'Every call: LocalStack answers 501 to MFA devices.',
  },
];
