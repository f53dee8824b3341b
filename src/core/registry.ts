import cloudwatch from '../../adapters/cloudwatch.js';
import dynamodb from '../../adapters/dynamodb.js';
import ec2 from '../../adapters/ec2.js';
import events from '../../adapters/events.js';
import iam from '../../adapters/iam.js';
import kinesis from '../../adapters/kinesis.js';
import kms from '../../adapters/kms.js';
import lambda from '../../adapters/lambda.js';
import logs from '../../adapters/logs.js';
import organizations from '../../adapters/organizations.js';
import s3 from '../../adapters/s3.js';
import secretsmanager from '../../adapters/secretsmanager.js';
import sns from '../../adapters/sns.js';
import sqs from '../../adapters/sqs.js';
import ssm from '../../adapters/ssm.js';
import states from '../../adapters/states.js';
import taggingApi from '../../adapters/tagging-api.js';
import type { ParsedArn } from './arn.js';
import { ClientMissingError } from './errors.js';
import type { Adapter, ResourceInfo } from './types.js';

/**
 * The adapters whose SDK client is an optional peer dependency: each loads its client on first use, and where it
 * is not installed the tagging-API fallback serves its resources.
 */
const OPTIONAL = [
  cloudwatch,
  dynamodb,
  kms,
  secretsmanager,
  ssm,
  logs,
  kinesis,
  states,
  events,
  organizations,
];

/** The adapters unitag ships, by ARN service field, and the tagging-API fallback. */
export interface Registry {
  /** Adapters by the ARN service field they serve. */
  adapters: ReadonlyMap<string, Adapter>;
  /** Serves every service without an adapter of its own, where the tagging API supports it. */
  fallback: Adapter;
}

/** The registry of the built-in adapters, with `extra` adapters added or replacing built-in ones. */
export function createRegistry(extra: Adapter[] = []): Registry {
  const adapters = new Map<string, Adapter>();
  for (const adapter of [
    sns(),
    sqs(),
    lambda(),
    s3(),
    ec2(),
    iam(),
    ...OPTIONAL.map((make) => make()),
    ...extra,
  ])
    adapters.set(adapter.name, adapter);
  return {
    adapters,
    fallback: taggingApi({ unanswered: (arn) => unconfirmed(arn, adapters.get(arn.service)) }),
  };
}

/**
 * The error for a resource the tagging API's answer left out, where the service has an adapter of its own whose
 * SDK package is missing: the read cannot be confirmed, and the package would confirm it. Else undefined.
 */
function unconfirmed(arn: ParsedArn, own: Adapter | undefined): Error | undefined {
  const pkg = own?.optionalPackage;
  if (!pkg || pkg.installed()) return undefined;
  return new ClientMissingError(
    `${arn.arn}: ${pkg.name} is not installed, so unitag read this ${own.name} resource through the Resource ` +
      'Groups Tagging API, and its answer left it out. That API leaves out resources that were never tagged ' +
      `and resources it does not index (LocalStack's tagging API does not index every service), so these tags ` +
      `are unknown, not empty. \`npm install ${pkg.name}\` lets unitag read them with the service's own call.`,
    { arn: arn.arn, service: arn.service, packageName: pkg.name },
  );
}

/**
 * Picks the adapter for a parsed ARN: the service's own adapter, else the tagging-API fallback. An adapter whose
 * optional SDK package is not installed hands its resources to the fallback, and `onMissing` hears of it. No
 * AWS call. Throws `UnsupportedResourceError` when neither can tag the resource.
 */
export function dispatch(
  arn: ParsedArn,
  registry: Registry,
  onMissing?: (adapter: Adapter) => void,
): { adapter: Adapter; info: ResourceInfo } {
  const own = registry.adapters.get(arn.service);
  const missing = own?.optionalPackage?.installed() === false;
  if (own && missing) onMissing?.(own);
  const adapter = own && !missing ? own : registry.fallback;
  const info = adapter.describe(arn);
  return {
    adapter,
    info: missing && own?.optionalPackage ? { ...info, standInFor: own.optionalPackage.name } : info,
  };
}
