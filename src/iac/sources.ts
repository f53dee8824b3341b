// The infrastructure-as-code sources of a run, as one lookup by ARN: Terraform states and Pulumi stack exports read
// once up front, CloudFormation read through its API as resources come (each account and region once).
import { ConfigurationError } from '../core/errors.js';
import type { Tags } from '../core/types.js';
import type { IacResource } from './types.js';

/** Finds what infrastructure-as-code tools declare about a resource. */
export interface IacSource {
  /**
   * The declarations of the resource, by its ARN; `tags` (its live tags, when read) lets a source use the tags
   * AWS adds to what CloudFormation creates. Empty when no tool manages it.
   */
  lookup(arn: string, tags?: Tags): Promise<IacResource[]>;
  /** Every resource the sources read up front (Terraform, Pulumi): what `check --iac` compares. */
  resources(): IacResource[];
}

/**
 * The key ARNs are matched by: log groups without a trailing `:*`; IAM users and roles by name alone. A stack's physical id is the name, without the
 * path the ARN carries, and a name is unique in its account whatever the path.
 */
export function matchKey(arn: string): string {
  // A log group's ARN is written with and without its trailing `:*`.
  if (/^arn:[^:]+:logs:/.test(arn)) return arn.replace(/:\*$/, '');
  const iam = /^(arn:[^:]+:iam::\d{12}:(?:role|user))\/(?:.*\/)?([^/]+)$/.exec(arn);
  return iam ? `${iam[1]}/${iam[2]}` : arn;
}

/** A source over resources read up front, and optionally one that finds more as it is asked (CloudFormation). */
export function iacSource(
  read: IacResource[],
  more?: { lookup(arn: string, tags?: Tags): Promise<IacResource | undefined> },
): IacSource {
  if (
    !Array.isArray(read) ||
    !read.every((r) => typeof r?.arn === 'string' && typeof r.declared === 'object')
  )
    throw new ConfigurationError(
      'iacSource: read must be the resources of readTerraformState or readPulumiExport',
    );
  if (more !== undefined && typeof more?.lookup !== 'function')
    throw new ConfigurationError(
      'iacSource: more must have lookup(arn, tags), as cloudFormationStacks() gives',
    );
  const byArn = new Map<string, IacResource[]>();
  for (const resource of read) {
    const key = matchKey(resource.arn);
    byArn.set(key, [...(byArn.get(key) ?? []), resource]);
  }
  return {
    async lookup(arn, tags) {
      const found = [...(byArn.get(matchKey(arn)) ?? [])];
      const stack = await more?.lookup(arn, tags);
      if (stack) found.push(stack);
      return found;
    },
    resources: () => read,
  };
}
