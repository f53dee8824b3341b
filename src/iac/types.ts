// What an infrastructure-as-code tool declares about a resource's tags, whichever tool: the shape the sources
// (cloudformation.ts, terraform.ts, pulumi.ts) produce and the plan reads to say which changes the tool's next run
// would undo. Facts, with links to each tool's documentation, are in docs/iac.md.
import type { Tags } from '../core/types.js';

/** The tools unitag reads. */
export type IacTool = 'cloudformation' | 'terraform' | 'pulumi';

/**
 * How a tool treats the tags it does not declare. `whole`: it makes the resource's tag set equal to what it
 * declares, removing any other key at its next run (Terraform's and Pulumi's AWS providers, but for ignored keys).
 * `declared`: it sets the keys it declares and leaves the others (CloudFormation).
 */
export type IacAuthority = 'whole' | 'declared';

/** One resource as an infrastructure-as-code tool declares it. */
export interface IacResource {
  tool: IacTool;
  /** The resource's ARN, as unitag names resources (an SQS queue's ARN, not its URL). */
  arn: string;
  /** CloudFormation: the stack's name. */
  stack?: string | undefined;
  /** CloudFormation: the resource's logical id in the template. */
  logicalId?: string | undefined;
  /** Terraform: the resource's address (`module.app.aws_sns_topic.orders["eu"]`). */
  address?: string | undefined;
  /** Pulumi: the resource's URN. */
  urn?: string | undefined;
  /** Where it was read from: the state file, `s3://bucket/key`, or the stack's ARN. */
  source: string;
  /**
   * The tags the tool sets at its next run (a null-prototype object: `newTags()`). A value the tool computes and
   * the source does not hold (`!Ref`, `!Sub` in a template) is `undefined`: the key is declared, its value unknown.
   */
  declared: Record<string, string | undefined>;
  authority: IacAuthority;
  /**
   * CloudFormation: the template gives the resource's tags by a function (`Tags: !If [...]`), so which keys it sets
   * is unknown; `declared` then holds the stack's tags only, and a stack update may set any other key too.
   */
  tagsUnknown?: boolean | undefined;
  /** Keys the tool leaves alone although it manages the resource (Terraform's provider `ignore_tags`). */
  ignores?: ((key: string) => boolean) | undefined;
}

/** Terraform's provider `ignore_tags`, which a state does not record: given by the user. */
export interface IgnoreTags {
  keys: string[];
  keyPrefixes: string[];
}

/** The tags a declaration holds, as unitag's tags (keys with a known value only). */
export type DeclaredTags = Tags;
