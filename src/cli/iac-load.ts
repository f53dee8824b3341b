// The infrastructure-as-code sources a run names, read: Terraform states (files, or an S3 backend's object) and
// Pulumi stack exports now, CloudFormation as resources come, all through one set of clients made as the
// tagger's. Loaded only when a source is named (iac-options.ts).
import { partitionOfRegion } from '../core/arn.js';
import { type ClientCache, usesCustomEndpoint } from '../core/clients.js';
import { sdkPackage } from '../core/sdk-package.js';
import type { ClientLoader } from '../core/types.js';
import type { IacSource } from '../iac/sources.js';
import { clientOptions, type GlobalOptions, readText, UsageError } from './common.js';

/** The options as commander gives them. */
export interface IacCliOptions {
  terraformState: string[];
  terraformIgnoreTags: string[];
  pulumiState: string[];
  cloudformation?: boolean | undefined;
}

/** The sources named, read (see iac-options.ts, `iacSourceOf`). */
export async function load(global: GlobalOptions, opts: IacCliOptions): Promise<IacSource> {
  const [terraform, pulumi, { iacSource }, { ClientCache }] = await Promise.all([
    import('../iac/terraform.js'),
    import('../iac/pulumi.js'),
    import('../iac/sources.js'),
    import('../core/clients.js'),
  ]);
  // One set of clients for the run's sources, made as the tagger's are (endpoint, credentials, roles per account,
  // timeouts): an S3 backend that never answers ends in Timeout, not in a wait without end.
  const cache = new ClientCache(clientOptions(global));
  const ignore = terraform.parseIgnoreTags(opts.terraformIgnoreTags);
  const read = [];
  for (const file of opts.terraformState) {
    const s3 = terraform.s3Location(file);
    const state = terraform.readTerraformState(
      s3 ? await stateText(cache, file, s3) : readText(file),
      file,
      ignore,
    );
    skipped(file, state.skipped);
    read.push(...state.resources);
  }
  for (const file of opts.pulumiState) {
    const state = pulumi.readPulumiExport(readText(file), file);
    skipped(file, state.skipped);
    read.push(...state.resources);
  }
  const stacks = opts.cloudformation ? await stackIndex(global, cache) : undefined;
  return iacSource(read, stacks);
}

function skipped(file: string, list: { where: string; why: string }[]): void {
  if (list.length === 0) return;
  const first = list.slice(0, 3).map((s) => `${s.where} (${s.why})`);
  const more = list.length > 3 ? ` and ${list.length - 3} more` : '';
  process.stderr.write(`unitag: note: ${file}: left out ${first.join('; ')}${more}\n`);
}

type S3 = typeof import('@aws-sdk/client-s3');

// The S3 client of a state in an S3 backend (a bucket's ARN names no region: the SDK follows S3's redirect).
const stateClient: ClientLoader<InstanceType<S3['S3Client']>> = {
  id: 's3',
  create: async (config) =>
    new (await sdkPackage<S3>('@aws-sdk/client-s3')).S3Client({
      forcePathStyle: usesCustomEndpoint(config, 's3'),
      followRegionRedirects: true,
      ...config,
    }),
};

// An S3 backend's state, read with the run's clients.
async function stateText(
  cache: ClientCache,
  file: string,
  s3: { bucket: string; key: string },
): Promise<string> {
  try {
    const region = cache.defaultRegion ?? '';
    const client = await cache.get(stateClient, {
      partition: partitionOfRegion(region),
      region,
      account: '',
    });
    const { GetObjectCommand } = await sdkPackage<S3>('@aws-sdk/client-s3');
    const answer = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: s3.key }));
    return (await answer.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    // A state that cannot be read is bad input, found before any write: exit 2, naming the option.
    const { toUnitagError } = await import('../core/aws-errors.js');
    const failure = toUnitagError(error, { arn: `arn:aws:s3:::${s3.bucket}/${s3.key}`, service: 's3' });
    throw new UsageError(`--terraform-state ${file}: cannot read it: ${failure.code}: ${failure.message}`);
  }
}

// CloudFormation through the run's clients. Resources whose ARNs name no region (S3 buckets, IAM) are looked for
// in the run's region.
async function stackIndex(global: GlobalOptions, cache: ClientCache) {
  const region = global.region ?? cache.defaultRegion;
  if (!region)
    throw new UsageError(
      '--cloudformation needs a region (--region or AWS_REGION): where to look for the stacks of S3 buckets and IAM roles',
    );
  const { CloudFormationIndex, cloudFormationClients } = await import('../iac/cloudformation.js');
  return new CloudFormationIndex({ clients: cloudFormationClients(cache), regions: [region] });
}
