// The options that name a run's infrastructure-as-code sources (plan, apply, check): Terraform states, Pulumi stack
// exports and CloudFormation, and how they are loaded into one lookup. Loaded only when one is given.
import type { Command } from 'commander';
import type { IacMode } from '../iac/plan-iac.js';
import type { IacSource } from '../iac/sources.js';
import { clientOptions, collect, type GlobalOptions, onNotice, readText, UsageError } from './common.js';

/** The options as commander gives them. */
export interface IacCliOptions {
  terraformState: string[];
  terraformIgnoreTags: string[];
  pulumiState: string[];
  cloudformation?: boolean | undefined;
}

/** Adds the source options to a command. */
export function iacSourceOptions(command: Command): Command {
  return command
    .option(
      '--terraform-state <file>',
      'a Terraform state (terraform.tfstate, `terraform show -json`, or s3://bucket/key of an S3 backend): say which changes its next apply undoes (repeatable)',
      collect,
      [],
    )
    .option(
      '--terraform-ignore-tags <spec>',
      "the AWS provider's ignore_tags, which a state does not record: keys=a,b or key_prefixes=kubernetes.io/ (repeatable)",
      collect,
      [],
    )
    .option(
      '--pulumi-state <file>',
      'the JSON of `pulumi stack export`: say which changes its next up undoes (repeatable)',
      collect,
      [],
    )
    .option(
      '--cloudformation',
      "find each resource's CloudFormation stack (ListStacks, ListStackResources, GetTemplate): say which changes a stack update undoes",
    );
}

/** True when any source is named. */
export function namesIac(opts: IacCliOptions): boolean {
  return opts.terraformState.length > 0 || opts.pulumiState.length > 0 || opts.cloudformation === true;
}

/**
 * Reads the named sources (Terraform and Pulumi files now, an S3 backend with the run's credentials; CloudFormation
 * as resources come), or undefined when none is named or `mode` is `ignore`. Unreadable sources are errors (exit 2)
 * before any write.
 */
export async function iacSourceOf(
  global: GlobalOptions,
  opts: IacCliOptions,
  mode?: IacMode,
): Promise<IacSource | undefined> {
  if (opts.terraformIgnoreTags.length > 0 && opts.terraformState.length === 0)
    throw new UsageError('--terraform-ignore-tags goes with --terraform-state');
  // A mode that would silently do nothing is said, so that nobody believes a run protected that is not.
  if (mode === 'refuse' && !namesIac(opts))
    onNotice(
      '--iac refuse has no source to check against (--terraform-state, --pulumi-state, --cloudformation): nothing is refused',
    );
  if (mode === 'ignore' && namesIac(opts))
    onNotice('--iac ignore: the infrastructure-as-code sources given are not read');
  if (!namesIac(opts) || mode === 'ignore') return undefined;
  try {
    return await load(global, opts);
  } catch (error) {
    // A source that is not what it should be is bad input (exit 2), said with its code.
    const { code, message } = error as { code?: unknown; message: string };
    if (code === 'InvalidIacState' || code === 'ConfigurationError')
      throw new UsageError(`${code}: ${message}`);
    throw error;
  }
}

async function load(global: GlobalOptions, opts: IacCliOptions): Promise<IacSource> {
  const [terraform, pulumi, { iacSource }] = await Promise.all([
    import('../iac/terraform.js'),
    import('../iac/pulumi.js'),
    import('../iac/sources.js'),
  ]);
  const ignore = terraform.parseIgnoreTags(opts.terraformIgnoreTags);
  const read = [];
  for (const file of opts.terraformState) {
    const text = await stateText(global, file, terraform.s3Location(file));
    const state = terraform.readTerraformState(text, file, ignore);
    skipped(file, state.skipped);
    read.push(...state.resources);
  }
  for (const file of opts.pulumiState) {
    const state = pulumi.readPulumiExport(readText(file), file);
    skipped(file, state.skipped);
    read.push(...state.resources);
  }
  const stacks = opts.cloudformation ? await stackIndex(global) : undefined;
  return iacSource(read, stacks);
}

function skipped(file: string, list: { where: string; why: string }[]): void {
  if (list.length === 0) return;
  const first = list.slice(0, 3).map((s) => `${s.where} (${s.why})`);
  const more = list.length > 3 ? ` and ${list.length - 3} more` : '';
  process.stderr.write(`unitag: note: ${file}: left out ${first.join('; ')}${more}\n`);
}

// A state file's text: a local file, or an S3 backend's object read with the run's credentials.
async function stateText(
  global: GlobalOptions,
  file: string,
  s3: { bucket: string; key: string } | undefined,
): Promise<string> {
  if (!s3) return readText(file);
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const endpoint = global.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  const client = new S3Client({
    ...(global.region ? { region: global.region } : {}),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(global.profile ? { profile: global.profile } : {}),
    followRegionRedirects: true,
  });
  try {
    const answer = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: s3.key }));
    return (await answer.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    // A state that cannot be read is bad input, found before any write: exit 2, naming the option.
    const { toUnitagError } = await import('../core/aws-errors.js');
    const failure = toUnitagError(error, { arn: `arn:aws:s3:::${s3.bucket}/${s3.key}`, service: 's3' });
    throw new UsageError(`--terraform-state ${file}: cannot read it: ${failure.code}: ${failure.message}`);
  } finally {
    client.destroy();
  }
}

// CloudFormation through clients made as the tagger's (endpoint, credentials and roles per account). Resources
// whose ARNs name no region (S3 buckets, IAM) are looked for in the run's region.
async function stackIndex(global: GlobalOptions) {
  const region = global.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region)
    throw new UsageError(
      '--cloudformation needs a region (--region or AWS_REGION): where to look for the stacks of S3 buckets and IAM roles',
    );
  const [{ CloudFormationIndex, cloudFormationClients }, { ClientCache }] = await Promise.all([
    import('../iac/cloudformation.js'),
    import('../core/clients.js'),
  ]);
  const clients = cloudFormationClients(new ClientCache(clientOptions(global)));
  return new CloudFormationIndex({ clients, regions: [region] });
}
