import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';

/** The account the unit tests' default credentials act in. */
export const OWN_ACCOUNT = '123456789012';

/** Credentials that the STS mock says act in `account` (as per-account credentials would). */
export const credentialsOf = (account: string) => ({ accessKeyId: `acct-${account}`, secretAccessKey: 's' });

/**
 * Mocks STS GetCallerIdentity as AWS answers it: the account the client's credentials act in, here read from
 * access keys made by {@link credentialsOf}, or {@link OWN_ACCOUNT} for any other credentials. Call it again
 * after `reset()`.
 */
export function mockAccounts(sts = mockClient(STSClient)) {
  sts.reset();
  sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => {
    const client = getClient() as STSClient;
    const credentials = await client.config.credentials();
    const account = /^acct-(\d{12})$/.exec(credentials.accessKeyId)?.[1] ?? OWN_ACCOUNT;
    return { Account: account, Arn: `arn:aws:iam::${account}:user/test`, UserId: 'AIDA' };
  });
  return sts;
}
