// The options that name a run's infrastructure-as-code sources (plan, apply, check): Terraform states, Pulumi stack
// exports and CloudFormation, and how they are loaded into one lookup. Loaded only when one is given.
import type { Command } from 'commander';
import type { IacMode } from '../iac/plan-iac.js';
import type { IacSource } from '../iac/sources.js';
import { collect, type GlobalOptions, onNotice, UsageError } from './common.js';
import type { IacCliOptions } from './iac-load.js';

export type { IacCliOptions } from './iac-load.js';

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
    return await (await import('./iac-load.js')).load(global, opts);
  } catch (error) {
    // A source that is not what it should be is bad input (exit 2), said with its code.
    const { code, message } = error as { code?: unknown; message: string };
    if (code === 'InvalidIacState' || code === 'ConfigurationError')
      throw new UsageError(`${code}: ${message}`);
    throw error;
  }
}
