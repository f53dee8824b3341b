// The taggable IAM resource types and their operations (see adapters/iam.ts).

/** What a Get operation answers about one entity: its path, name and tags. */
export interface Entity {
  path: unknown;
  name: unknown;
  tags: unknown;
}

/** One taggable IAM resource type: its operations and how its identifier comes from the ARN. */
export interface IamType {
  /** Operations by their name in IAM's API (and in its IAM actions): `TagUser`. */
  tag: string;
  untag: string;
  /** The List*Tags operation of the types IAM names by ARN. */
  list?: string;
  /**
   * For the types IAM names by name: the Get operation, which answers path, name and tags at once (so that an
   * ARN whose path is not the entity's never acts on it), the answer's field, and how to read it.
   */
  get?: { operation: string; field: string; read: (entity: Record<string, unknown>) => Entity };
  /** The request field that names the resource. */
  field: string;
  /** AWS treats keys of users and roles case-insensitively (docs/aws-facts.md, IAM). */
  caseInsensitive?: boolean;
}

// Users, roles and instance profiles answer `{ Path, <Name field>, Tags }`.
const plain = (name: string) => (e: Record<string, unknown>) => ({
  path: e.Path,
  name: e[name],
  tags: e.Tags,
});

/** The eight taggable IAM resource types, by the ARN's resource type. Groups cannot be tagged. */
export const TYPES: Readonly<Record<string, IamType>> = {
  user: {
    tag: 'TagUser',
    untag: 'UntagUser',
    get: { operation: 'GetUser', field: 'User', read: plain('UserName') },
    field: 'UserName',
    caseInsensitive: true,
  },
  role: {
    tag: 'TagRole',
    untag: 'UntagRole',
    get: { operation: 'GetRole', field: 'Role', read: plain('RoleName') },
    field: 'RoleName',
    caseInsensitive: true,
  },
  'instance-profile': {
    tag: 'TagInstanceProfile',
    untag: 'UntagInstanceProfile',
    get: {
      operation: 'GetInstanceProfile',
      field: 'InstanceProfile',
      read: plain('InstanceProfileName'),
    },
    field: 'InstanceProfileName',
  },
  'server-certificate': {
    tag: 'TagServerCertificate',
    untag: 'UntagServerCertificate',
    get: {
      operation: 'GetServerCertificate',
      field: 'ServerCertificate',
      read: (e) => {
        const meta = (e.ServerCertificateMetadata ?? {}) as Record<string, unknown>;
        return { path: meta.Path, name: meta.ServerCertificateName, tags: e.Tags };
      },
    },
    field: 'ServerCertificateName',
  },
  policy: {
    tag: 'TagPolicy',
    untag: 'UntagPolicy',
    list: 'ListPolicyTags',
    field: 'PolicyArn',
  },
  'oidc-provider': {
    tag: 'TagOpenIDConnectProvider',
    untag: 'UntagOpenIDConnectProvider',
    list: 'ListOpenIDConnectProviderTags',
    field: 'OpenIDConnectProviderArn',
  },
  'saml-provider': {
    tag: 'TagSAMLProvider',
    untag: 'UntagSAMLProvider',
    list: 'ListSAMLProviderTags',
    field: 'SAMLProviderArn',
  },
  mfa: {
    tag: 'TagMFADevice',
    untag: 'UntagMFADevice',
    list: 'ListMFADeviceTags',
    field: 'SerialNumber',
  },
};
