// The ARN of a CloudFormation stack's resource from its type and physical id (ListStackResources'
// PhysicalResourceId, what `Ref` returns), written as unitag's adapters write ARNs (adapters/*.ts).
import { arnService } from '../core/arn.js';

type ArnOf = (
  id: string,
  where: { region: string; account: string; partition: string },
) => string | undefined;

/**
 * An ARN of `service` from a physical id: the id itself where it is one of that service's ARNs, else the ARN
 * `resource` writes for the id (undefined: not an id of the type), in the stack's region (none for a global
 * service) and account.
 */
const inService =
  (service: string, resource: (id: string) => string | undefined = () => undefined, global = false): ArnOf =>
  (id, { region, account, partition }) => {
    if (id.startsWith('arn:')) return arnService(id) === service ? id : undefined;
    const part = resource(id);
    return part === undefined
      ? undefined
      : `arn:${partition}:${service}:${global ? '' : region}:${account}:${part}`;
  };

const ec2 = (type: string, prefix: string) =>
  inService('ec2', (id) => (id.startsWith(`${prefix}-`) ? `${type}/${id}` : undefined));

/** An SQS queue's physical id is its URL (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`). */
const sqsQueue: ArnOf = (id, where) => {
  if (id.startsWith('arn:')) return arnService(id) === 'sqs' ? id : undefined;
  let path: string[];
  try {
    path = new URL(id).pathname.split('/').filter(Boolean);
  } catch {
    return undefined;
  }
  const [account, name] = path.slice(-2);
  if (name === undefined) return undefined;
  const owner = account !== undefined && /^\d{12}$/.test(account) ? account : where.account;
  return `arn:${where.partition}:sqs:${where.region}:${owner}:${name}`;
};

/**
 * An EventBridge rule's physical id: its name on the default bus, `BUS|NAME` on another (the bus by name or ARN), or
 * the rule's ARN.
 */
const eventsRule: ArnOf = (id, where) => {
  const cut = id.lastIndexOf('|');
  if (cut === -1) return inService('events', (name) => `rule/${name}`)(id, where);
  const bus = id.slice(0, cut).replace(/^arn:.*:event-bus\//, '');
  const name = id.slice(cut + 1);
  return inService('events', () => (bus === 'default' ? `rule/${name}` : `rule/${bus}/${name}`))(name, where);
};

/** How each type's physical id (ListStackResources' PhysicalResourceId: what `Ref` returns) names its resource. */
const ARN_OF: Readonly<Record<string, ArnOf>> = {
  'AWS::SNS::Topic': inService('sns'),
  'AWS::SQS::Queue': sqsQueue,
  'AWS::S3::Bucket': (id, { partition }) => (id.includes(':') ? undefined : `arn:${partition}:s3:::${id}`),
  'AWS::EC2::Instance': ec2('instance', 'i'),
  'AWS::EC2::Volume': ec2('volume', 'vol'),
  'AWS::EC2::SecurityGroup': ec2('security-group', 'sg'),
  'AWS::EC2::VPC': ec2('vpc', 'vpc'),
  'AWS::EC2::Subnet': ec2('subnet', 'subnet'),
  'AWS::EC2::InternetGateway': ec2('internet-gateway', 'igw'),
  'AWS::EC2::RouteTable': ec2('route-table', 'rtb'),
  'AWS::EC2::NetworkInterface': ec2('network-interface', 'eni'),
  'AWS::EC2::NatGateway': ec2('natgateway', 'nat'),
  'AWS::EC2::LaunchTemplate': ec2('launch-template', 'lt'),
  'AWS::IAM::Role': inService('iam', (id) => `role/${id}`, true),
  'AWS::IAM::User': inService('iam', (id) => `user/${id}`, true),
  'AWS::IAM::InstanceProfile': inService('iam', (id) => `instance-profile/${id}`, true),
  'AWS::IAM::ManagedPolicy': inService('iam'),
  'AWS::Lambda::Function': inService('lambda', (id) => `function:${id}`),
  'AWS::KMS::Key': inService('kms', (id) => `key/${id}`),
  'AWS::SecretsManager::Secret': inService('secretsmanager'),
  'AWS::Logs::LogGroup': inService('logs', (id) => `log-group:${id}`),
  'AWS::DynamoDB::Table': inService('dynamodb', (id) => `table/${id}`),
  'AWS::Kinesis::Stream': inService('kinesis', (id) => `stream/${id}`),
  'AWS::StepFunctions::StateMachine': inService('states'),
  'AWS::StepFunctions::Activity': inService('states'),
  'AWS::Events::Rule': eventsRule,
  'AWS::Events::EventBus': inService('events', (id) => `event-bus/${id}`),
  // A parameter's ARN names it without its leading slash (`/a/b` is `parameter/a/b`).
  'AWS::SSM::Parameter': inService('ssm', (id) => `parameter/${id.replace(/^\//, '')}`),
  'AWS::SSM::Document': inService('ssm', (id) => `document/${id}`),
  'AWS::CloudWatch::Alarm': inService('cloudwatch', (id) => `alarm:${id}`),
  'AWS::CloudWatch::CompositeAlarm': inService('cloudwatch', (id) => `alarm:${id}`),
};

/**
 * The ARN, as unitag writes it, of a stack's resource from its type and physical id, in the stack's region,
 * account and partition; undefined for a type unitag does not map (its resources are then found through the
 * `aws:cloudformation:*` tags only). An IAM role's or user's ARN is written without a path, which the physical id
 * (the name) does not hold: ARNs are matched by `matchKey`, which compares IAM ARNs by name.
 *
 * @example
 * arnOfPhysicalId('AWS::SQS::Queue', 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs', 'eu-west-1', '123456789012', 'aws');
 * // 'arn:aws:sqs:eu-west-1:123456789012:jobs'
 */
export function arnOfPhysicalId(
  type: string,
  physicalId: string,
  region: string,
  account: string,
  partition: string,
): string | undefined {
  const arnOf = Object.hasOwn(ARN_OF, type) ? ARN_OF[type] : undefined;
  return physicalId === '' ? undefined : arnOf?.(physicalId, { region, account, partition });
}
