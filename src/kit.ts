// Everything an adapter needs from the core, in one module: adapters import this and nothing else from src/.
import type { ParsedArn } from './arn.js';
import { groupBy } from './collections.js';
import type { ClientScope } from './types.js';

export { PARTITIONS, type ParsedArn, rejectTypeCase } from './arn.js';
export { awsErrorName, awsFailure, isThrottling, malformed } from './aws-errors.js';
export { usesCustomEndpoint } from './clients.js';
export { chunk, groupBy, once } from './collections.js';
export { InvalidArnError, ResourceNotFoundError, UnsupportedResourceError } from './errors.js';
export {
  copyTags,
  fromTagList,
  hasTag,
  newTags,
  optionalTagMap,
  requiredTagList,
  type TagPair,
  toTagList,
} from './shapes.js';
export type {
  Adapter,
  AdapterContext,
  AdapterFactory,
  BatchResult,
  BatchTags,
  CallOptions,
  ClientLoader,
  ClientScope,
  Document,
  FindQuery,
  ResourceInfo,
  TagRules,
  Tags,
  WriteOutcome,
} from './types.js';
export { checkTagCount, DEFAULT_RULES } from './validate.js';

/** The client scope of an ARN: its partition, account, and its region unless `region` says otherwise. */
export function scopeOf(arn: ParsedArn, region: string = arn.region): ClientScope {
  return { partition: arn.partition, region, account: arn.accountId };
}

/** Groups ARNs that one client serves (same partition, region and account), keeping first-seen order. */
export function byScope(arns: ParsedArn[]): ParsedArn[][] {
  return [...groupBy(arns, (arn) => `${arn.partition}|${arn.region}|${arn.accountId}`).values()];
}
