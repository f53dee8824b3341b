import { InvalidArnError } from './errors.js';

/** An ARN split into its fields. Pure data: parsing makes no AWS call. */
export interface ParsedArn {
  /** The ARN exactly as given. */
  arn: string;
  /** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, ... */
  partition: string;
  /** The service field: `sns`, `s3`, `ec2`, ... */
  service: string;
  /** Empty for global resources (S3 buckets, IAM). */
  region: string;
  /** Empty for S3 and for public EC2 images and snapshots; `aws` for AWS managed IAM policies. */
  accountId: string;
  /** Everything after the account field. */
  resource: string;
  /** The part before the first `/` or `:` of `resource`; empty when the resource is a bare id. */
  resourceType: string;
  /** The part after the type and its separator, or the whole resource when bare. May contain `/` and `:`. */
  resourceId: string;
}

/**
 * Partitions unitag accepts, with the DNS suffix of their service endpoints and the region where their global
 * services (IAM) answer. `test/unit/arn.test.ts` checks this table against the SDK's own partition data, so a
 * partition the SDK knows and this table lacks, or a suffix that differs, fails the tests.
 */
export const PARTITIONS: Readonly<Record<string, { dnsSuffix: string; globalRegion: string }>> = {
  aws: { dnsSuffix: 'amazonaws.com', globalRegion: 'us-east-1' },
  'aws-cn': { dnsSuffix: 'amazonaws.com.cn', globalRegion: 'cn-north-1' },
  'aws-us-gov': { dnsSuffix: 'amazonaws.com', globalRegion: 'us-gov-west-1' },
  'aws-iso': { dnsSuffix: 'c2s.ic.gov', globalRegion: 'us-iso-east-1' },
  'aws-iso-b': { dnsSuffix: 'sc2s.sgov.gov', globalRegion: 'us-isob-east-1' },
  'aws-iso-e': { dnsSuffix: 'cloud.adc-e.uk', globalRegion: 'eu-isoe-west-1' },
  'aws-iso-f': { dnsSuffix: 'csp.hci.ic.gov', globalRegion: 'us-isof-south-1' },
  'aws-eusc': { dnsSuffix: 'amazonaws.eu', globalRegion: 'eusc-de-east-1' },
};

// Region-name prefixes of the partitions other than `aws`, longest first.
const REGION_PREFIXES: ReadonlyArray<[string, string]> = [
  ['us-isob-', 'aws-iso-b'],
  ['us-isof-', 'aws-iso-f'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-iso-', 'aws-iso'],
  ['us-gov-', 'aws-us-gov'],
  ['eusc-', 'aws-eusc'],
  ['cn-', 'aws-cn'],
];

/** The partition a region belongs to, by its name: `cn-north-1` is in `aws-cn`; no region, or another, `aws`. */
export function partitionOfRegion(region: string | undefined): string {
  const match = REGION_PREFIXES.find(([prefix]) => region?.startsWith(prefix));
  return match ? match[1] : 'aws';
}

const SERVICE = /^[a-z0-9][a-z0-9-]*$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** True for a string shaped like an AWS region name: `us-east-1`, `cn-north-1`, `us-gov-west-1`. */
export function isRegion(value: unknown): value is string {
  return typeof value === 'string' && REGION.test(value);
}
const ACCOUNT = /^(\d{12}|aws)$/;
// C0 and C1 control characters, DEL included.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Parses an ARN. Throws {@link InvalidArnError} (code `InvalidArn`) when the string is not one.
 *
 * @example
 * parseArn('arn:aws:iam::123456789012:user/division/alice');
 * // { service: 'iam', region: '', resourceType: 'user', resourceId: 'division/alice', ... }
 */
/** The service an ARN-like string names (its third field), for an error about it; undefined when none. */
export function arnService(arn: string): string | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  const service = arn.split(':', 3)[2];
  return service ? service : undefined;
}

export function parseArn(arn: string): ParsedArn {
  if (typeof arn !== 'string') {
    // Not String(arn): an object without a prototype, or with a toString that is not a function, cannot be one.
    throw new InvalidArnError(
      `An ARN must be a string (arn:partition:service:region:account:resource), not ${typeName(arn)}.`,
    );
  }
  // A NUL or another control character can cut or change what a service reads as the name (AWS-side parsers,
  // URLs built from the ARN, logs); no AWS ARN holds one.
  const control = CONTROL.exec(arn);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0');
    const shown = JSON.stringify(arn).slice(1, -1);
    throw new InvalidArnError(
      `Invalid ARN "${shown}": it holds the control character U+${code.toUpperCase()}; no ARN holds one.`,
      { arn },
    );
  }
  const fields = arn.split(':');
  if (fields.length < 6 || fields[0] !== 'arn') {
    throw invalid(arn, 'an ARN has the form arn:partition:service:region:account:resource');
  }
  const [, partition = '', service = '', region = '', accountId = ''] = fields;
  const resource = fields.length === 6 ? (fields[5] as string) : fields.slice(5).join(':');
  if (!Object.hasOwn(PARTITIONS, partition)) {
    throw invalid(arn, `unknown partition "${partition}" (known: ${Object.keys(PARTITIONS).join(', ')})`);
  }
  if (!SERVICE.test(service)) throw invalid(arn, `"${service}" is not a service name`);
  if (region !== '' && !REGION.test(region)) throw invalid(arn, `"${region}" is not a region`);
  if (accountId !== '' && !ACCOUNT.test(accountId)) {
    throw invalid(arn, `"${accountId}" is not a 12-digit account id`);
  }
  // Whitespace other than the space (which S3 object keys may hold).
  if (resource === '' || /[^\S ]/.test(resource)) {
    throw invalid(arn, 'the resource part is empty or holds control characters');
  }
  const cut = resource.search(/[/:]/);
  const resourceType = cut === -1 ? '' : resource.slice(0, cut);
  const resourceId = cut === -1 ? resource : resource.slice(cut + 1);
  return { arn, partition, service, region, accountId, resource, resourceType, resourceId };
}

const PARSED_FIELDS = [
  'arn',
  'partition',
  'service',
  'region',
  'accountId',
  'resource',
  'resourceType',
  'resourceId',
] as const;

/** Checks that `value` is a {@link ParsedArn} (each field a string); throws `InvalidArn` naming `field`. */
export function parsedArnArgument(value: unknown, field: string): ParsedArn {
  const parsed = value as Partial<Record<string, unknown>> | null;
  const valid =
    typeof value === 'object' && parsed !== null && PARSED_FIELDS.every((f) => typeof parsed[f] === 'string');
  if (!valid) {
    throw new InvalidArnError(
      `${field} must be a parsed ARN, the value of parseArn(); got ${typeName(value)}.`,
    );
  }
  return value as ParsedArn;
}

/**
 * Refuses a resource type written in another case than a known one (`Volume/vol-1` for `volume/vol-1`): ARN
 * resource types are case-sensitive, and such an ARN names no resource. Throws `InvalidArn`.
 */
export function rejectTypeCase(arn: ParsedArn, known: Iterable<string>, service: string): void {
  const written = arn.resourceType;
  for (const type of known) {
    if (type !== written && type.toLowerCase() === written.toLowerCase()) {
      throw new InvalidArnError(
        `Invalid ARN "${arn.arn}": the resource type "${written}" must be written "${type}" (ARN resource types are case-sensitive).`,
        { arn: arn.arn, service },
      );
    }
  }
}

/** Builds an ARN string from its fields. Throws `InvalidArn` when a field is not a string. */
export function formatArn(parts: Omit<ParsedArn, 'arn' | 'resourceType' | 'resourceId'>): string {
  const fields = ['partition', 'service', 'region', 'accountId', 'resource'] as const;
  const given = parts as Partial<Record<(typeof fields)[number], unknown>> | null;
  const wrong =
    typeof parts === 'object' && given !== null ? fields.find((f) => typeof given[f] !== 'string') : 'parts';
  if (wrong !== undefined) {
    throw new InvalidArnError(
      `formatArn takes { partition, service, region, accountId, resource }, each a string (region and accountId may be ""); ${wrong === 'parts' ? `got ${typeName(parts)}` : `${wrong} is ${typeName(given?.[wrong])}`}.`,
    );
  }
  return `arn:${parts.partition}:${parts.service}:${parts.region}:${parts.accountId}:${parts.resource}`;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function invalid(arn: string, why: string): InvalidArnError {
  return new InvalidArnError(`Invalid ARN "${arn}": ${why}.`, { arn });
}
