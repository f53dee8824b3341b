// AWS's default request rates for the calls unitag makes: one table, each figure with where it comes from
// (docs/request-rates.md lists the sources). AWS meters requests per account and region, per API or per family
// of APIs (EC2's categories); a family here is one token bucket.

/** A token bucket's default: `rate` requests a second, up to `burst` at once. */
export interface RateLimit {
  rate: number;
  burst: number;
}

/** One family of calls AWS meters together, and its default rate. */
interface Family extends RateLimit {
  /** `documented`: AWS publishes the figure; `estimate`: AWS publishes none, the figure is unitag's. */
  source: 'documented' | 'estimate';
}

/**
 * Families by name (`service:family`). The names are what `maxRates` (and the CLI's `--max-rate`) take; a
 * service's name alone (`sns`) sets every family of that service.
 */
export const FAMILIES: Readonly<Record<string, Family>> = {
  'sns:tagging': { rate: 10, burst: 10, source: 'documented' },
  'sqs:tagging': { rate: 5, burst: 5, source: 'documented' },
  'lambda:control': { rate: 15, burst: 15, source: 'documented' },
  'dynamodb:tag-write': { rate: 5, burst: 5, source: 'documented' },
  'dynamodb:tag-read': { rate: 10, burst: 10, source: 'documented' },
  'kinesis:tagging': { rate: 5, burst: 5, source: 'documented' },
  'ec2:non-mutating': { rate: 20, burst: 100, source: 'documented' },
  'ec2:mutating': { rate: 10, burst: 100, source: 'documented' },
  'iam:account': { rate: 20, burst: 20, source: 'estimate' },
  's3:bucket': { rate: 50, burst: 50, source: 'estimate' },
  's3:object-read': { rate: 5500, burst: 5500, source: 'documented' },
  's3:object-write': { rate: 3500, burst: 3500, source: 'documented' },
  'tagging:read': { rate: 10, burst: 10, source: 'estimate' },
  'tagging:write': { rate: 5, burst: 5, source: 'estimate' },
  'sts:calls': { rate: 100, burst: 100, source: 'estimate' },
};

/** The family a call belongs to, from the client's service id and the operation's name; undefined: not metered. */
export function familyOf(service: string, operation: string): string | undefined {
  switch (service) {
    case 'sns':
      return 'sns:tagging';
    case 'sqs':
      return 'sqs:tagging';
    case 'lambda':
      return 'lambda:control';
    case 'dynamodb':
      if (operation === 'ListTagsOfResource') return 'dynamodb:tag-read';
      return /^(Tag|Untag)Resource$/.test(operation) ? 'dynamodb:tag-write' : undefined;
    case 'kinesis':
      return /^(AddTagsToStream|RemoveTagsFromStream|ListTagsForStream)$/.test(operation)
        ? 'kinesis:tagging'
        : undefined;
    case 'ec2':
      return /^(Describe|Get|List|Search)/.test(operation) ? 'ec2:non-mutating' : 'ec2:mutating';
    case 'iam':
      return 'iam:account';
    case 's3':
      if (!/Object/.test(operation)) return 's3:bucket';
      return /^(Get|Head|List)/.test(operation) ? 's3:object-read' : 's3:object-write';
    case 'tagging-api':
      return /^(Get)/.test(operation) ? 'tagging:read' : 'tagging:write';
    case 'sts':
      return 'sts:calls';
    default:
      return undefined;
  }
}
