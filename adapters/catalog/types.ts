// What each adapter says of the resource types it tags, as data: `npm run docs` writes docs/reference/resources.md
// from it and from the adapters themselves (describe, rules, permissions, inventory). The adapters do not import
// it, so it costs the library and the CLI nothing at run time; test/unit/docs.test.ts holds it to the code.

/** One resource type an adapter tags. */
export interface ResourceDescription {
  /**
   * The type as the adapter's `describe` names it: `sns:topic`; a part in capitals stands for any (`ec2:TYPE`, one
   * entry for the types the adapter tags alike).
   */
  readonly type: string;
  /** The ARN's form, its variable parts in capitals: `arn:aws:sns:REGION:ACCOUNT:NAME`. */
  readonly arn: string;
  /** An ARN of that form, which the adapter's `describe` takes and types as `type`. */
  readonly example: string;
  /**
   * The service's operations unitag sends, in order, to tag, untag and list one resource: a write that reads first
   * names the read; `A or B` where the outcome chooses (S3 deletes a tag set left empty).
   */
  readonly calls: {
    readonly tag: readonly string[];
    readonly untag: readonly string[];
    readonly list: readonly string[];
  };
  /** What the requests name the resource by: its ARN, a queue URL, a name, an id. */
  readonly identifier: string;
  /** What else to know: refusals, limits of a call, quirks. */
  readonly notes?: string;
  /** The paths only unit tests on a mocked SDK cover, because LocalStack does not behave as AWS does there. */
  readonly mockedOnly?: string;
}

/** Every type one adapter tags. */
export type Catalog = readonly ResourceDescription[];

/** True when `type` is what the description's `type` names: the same, or with any value for its capitalized parts. */
export function describesType(description: ResourceDescription, type: string): boolean {
  const want = description.type.split(':');
  const got = type.split(':');
  return (
    want.length === got.length &&
    want.every((part, i) => (/^[A-Z-]+$/.test(part) ? got[i] !== '' : part === got[i]))
  );
}
