// CloudFormation stacks for a library caller: an index whose clients are made as a tagger's are (an endpoint,
// credentials, roles per account, timeouts), without reaching into the tagger.
import { ClientCache, type ClientOptions } from '../core/clients.js';
import { ConfigurationError } from '../core/errors.js';
import { CloudFormationIndex, cloudFormationClients } from './cloudformation.js';

/**
 * An index of the CloudFormation stacks of the accounts and regions its lookups name, read as they are asked for;
 * `regions` are where resources whose ARNs name none (S3 buckets, IAM) are looked for.
 *
 * @example
 * const stacks = cloudFormationStacks({ region: 'us-east-1' }, ['us-east-1']);
 * const source = iacSource([], stacks);
 * const plan = await tagger.plan(changes, { iac: { source, mode: 'refuse' } });
 */
export function cloudFormationStacks(
  options: ClientOptions,
  regions: readonly string[],
): CloudFormationIndex {
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError(
      'cloudFormationStacks: options must be the client options, such as { region }',
    );
  return new CloudFormationIndex({ clients: cloudFormationClients(new ClientCache(options)), regions });
}
