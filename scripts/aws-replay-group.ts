// The shape of the replay suite's selection (scripts/aws-replay-selection.ts and aws-replay-selection-rest.ts): each
// group is one LocalStack test (its snapshot entry, with the parameter id) and the resource unitag is called on;
// `keys` maps a snapshot key to the unitag call it answers: `list`, `tag`, `untag` or `find`, then `:Operation`
// where the adapter's default is not the one, then `!Code`, the unitag error code the answer means, for an error.

/** One test's kept answers. */
export interface Group {
  /** unitag's adapter (the ARN's service field; `tagging-api` for the Resource Groups Tagging API). */
  service: string;
  /** The test file, under tests/aws/services/ in localstack/localstack. */
  file: string;
  /** `Class::test_name[param]` or `test_name[param]`, as the snapshot file keys it. */
  test: string;
  arn: string;
  keys: Record<string, string>;
  /**
   * Only one member of the answer was recorded (the test matched `response["Tags"]`): it is wrapped in that member;
   * `Tags[]` when only the list's first entry was (`response["Tags"][0]`).
   */
  wrap?: string;
  /** Members the answer always carries that the test did not record, added beside the wrapped one. */
  added?: Record<string, unknown>;
  /** The recorded answer is another operation's, replayed as the one the key names. */
  recordedOperation?: string;
  /** For `find`: the tag filter the test's request carried. */
  findTags?: Record<string, string>;
  /** Why the error answers of the group mean the code they are mapped to, where the name does not say it. */
  why?: string;
}

/** The account LocalStack's snapshots write into every ARN (the replay server's STS answers it). */
export const ACCOUNT = '111111111111';

/** The specs of an answer that says the resource does not exist, by call. */
export const NOT_FOUND = {
  tag: 'tag!ResourceNotFound',
  untag: 'untag!ResourceNotFound',
  list: 'list!ResourceNotFound',
};
