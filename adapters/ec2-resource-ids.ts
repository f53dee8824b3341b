// EC2 resource ids: the id prefix and shape of each type CreateTags takes (docs/ec2-resource-ids.md), and the check
// that an ARN's id belongs to the type the ARN names. The ec2 adapter's; built once, when the module loads.
import {
  InvalidArnError,
  type ParsedArn,
  rejectTypeCase,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field of the resources whose ids these are (the ec2 adapter's name). */
const service = 'ec2';

/**
 * The id prefix of each EC2 resource type that CreateTags takes (docs/ec2-resource-ids.md). CreateTags takes
 * bare ids and tags whatever id it is given, so an ARN whose id belongs to another type
 * (`instance/vol-0abc`) would tag a resource the ARN does not name: such ARNs are `InvalidArn`.
 * `reserved-instances` ids are UUIDs, with no prefix. Key pairs and placement groups are named in AWS's own
 * ARNs by name, but CreateTags takes their ids (`key-`, `pg-`): their ARNs must carry the id.
 */
export const ID_PREFIXES: Readonly<Record<string, string>> = {
  'capacity-reservation': 'cr',
  'capacity-reservation-fleet': 'crf',
  'carrier-gateway': 'cagw',
  'client-vpn-endpoint': 'cvpn-endpoint',
  'coip-pool': 'ipv4pool-coip',
  'customer-gateway': 'cgw',
  'dedicated-host': 'h',
  'dhcp-options': 'dopt',
  'egress-only-internet-gateway': 'eigw',
  'elastic-gpu': 'egpu',
  'elastic-ip': 'eipalloc',
  'export-image-task': 'export-ami',
  'export-instance-task': 'export-i',
  fleet: 'fleet',
  'fpga-image': 'afi',
  'host-reservation': 'hr',
  image: 'ami',
  'import-image-task': 'import-ami',
  'import-snapshot-task': 'import-snap',
  instance: 'i',
  'instance-connect-endpoint': 'eice',
  'instance-event-window': 'iew',
  'internet-gateway': 'igw',
  ipam: 'ipam',
  'ipam-pool': 'ipam-pool',
  'ipam-resource-discovery': 'ipam-res-disco',
  'ipam-resource-discovery-association': 'ipam-res-disco-assoc',
  'ipam-scope': 'ipam-scope',
  'ipv4pool-ec2': 'ipv4pool-ec2',
  'ipv6pool-ec2': 'ipv6pool-ec2',
  'key-pair': 'key',
  'launch-template': 'lt',
  'local-gateway': 'lgw',
  'local-gateway-route-table': 'lgw-rtb',
  'local-gateway-route-table-virtual-interface-group-association': 'lgw-vif-grp-assoc',
  'local-gateway-route-table-vpc-association': 'lgw-vpc-assoc',
  'local-gateway-virtual-interface': 'lgw-vif',
  'local-gateway-virtual-interface-group': 'lgw-vif-grp',
  natgateway: 'nat',
  'network-acl': 'acl',
  'network-insights-access-scope': 'nis',
  'network-insights-access-scope-analysis': 'nisa',
  'network-insights-analysis': 'nia',
  'network-insights-path': 'nip',
  'network-interface': 'eni',
  'placement-group': 'pg',
  'prefix-list': 'pl',
  'replace-root-volume-task': 'replacevol',
  'route-table': 'rtb',
  'security-group': 'sg',
  'security-group-rule': 'sgr',
  snapshot: 'snap',
  'spot-fleet-request': 'sfr',
  'spot-instances-request': 'sir',
  subnet: 'subnet',
  'subnet-cidr-reservation': 'scr',
  'traffic-mirror-filter': 'tmf',
  'traffic-mirror-filter-rule': 'tmfr',
  'traffic-mirror-session': 'tms',
  'traffic-mirror-target': 'tmt',
  'transit-gateway': 'tgw',
  'transit-gateway-attachment': 'tgw-attach',
  'transit-gateway-connect-peer': 'tgw-connect-peer',
  'transit-gateway-multicast-domain': 'tgw-mcast-domain',
  'transit-gateway-policy-table': 'tgw-ptb',
  'transit-gateway-route-table': 'tgw-rtb',
  'transit-gateway-route-table-announcement': 'tgw-rtb-ann',
  'verified-access-endpoint': 'vae',
  'verified-access-group': 'vagr',
  'verified-access-instance': 'vai',
  'verified-access-trust-provider': 'vatp',
  volume: 'vol',
  vpc: 'vpc',
  'vpc-endpoint': 'vpce',
  'vpc-endpoint-service': 'vpce-svc',
  'vpc-flow-log': 'fl',
  'vpc-peering-connection': 'pcx',
  'vpn-connection': 'vpn',
  'vpn-gateway': 'vgw',
};

/** Types whose ARNs may leave the account out (public images and snapshots are shared across accounts). */
const ACCOUNTLESS = new Set(['image', 'snapshot']);

/**
 * Types whose ARNs have no region: IPAM's resources are global to the account (arn:aws:ec2::ACCOUNT:ipam/ID), and
 * are tagged with CreateTags in the tagger's region, which must be the IPAM's home region (AWS answers NotFound in
 * another).
 */
const REGIONLESS = new Set([
  'ipam',
  'ipam-pool',
  'ipam-resource-discovery',
  'ipam-resource-discovery-association',
  'ipam-scope',
]);

/** Types whose ids carry no prefix, each with the pattern its ids follow. */
const UNPREFIXED: Readonly<Record<string, RegExp>> = {
  'reserved-instances': /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
};

/**
 * Types whose ids are their prefix and 8 or 17 lower-case hex digits: the types of EC2's move to longer ids
 * (2016 to 2018), whose ids had 8 digits before it and 17 since (docs/ec2-resource-ids.md). An id of any other
 * shape names no resource of theirs, and is refused before any call.
 */
const HEX_ID_TYPES: ReadonlySet<string> = new Set([
  'customer-gateway',
  'dhcp-options',
  'elastic-ip',
  'image',
  'instance',
  'internet-gateway',
  'network-acl',
  'network-interface',
  'prefix-list',
  'route-table',
  'security-group',
  'snapshot',
  'subnet',
  'volume',
  'vpc',
  'vpc-endpoint',
  'vpc-flow-log',
  'vpc-peering-connection',
  'vpn-connection',
  'vpn-gateway',
]);
const HEX_ID = /^(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

// Prefixes longest first, so that `tgw-attach-0abc` is read as an attachment, not a transit gateway.
const PREFIXES = Object.entries(ID_PREFIXES)
  .map(([type, prefix]) => ({ type, prefix: `${prefix}-` }))
  .sort((a, b) => b.prefix.length - a.prefix.length);
const ID_BODY = /^[0-9A-Za-z-]+$/;

/**
 * For each type, the longer prefixes of other types that start with its own (`tgw-` has `tgw-attach-`): an id
 * with its type's prefix and none of these is that type's, without trying every prefix (a job asks per line).
 */
const LONGER_PREFIXES: ReadonlyMap<string, string[]> = new Map(
  PREFIXES.map(({ type, prefix }) => [
    type,
    PREFIXES.filter((other) => other.prefix.length > prefix.length && other.prefix.startsWith(prefix)).map(
      (other) => other.prefix,
    ),
  ]),
);

/** The type whose prefix `id` starts with, the longest prefix winning; `type`'s own checked first. */
function ownerOf(id: string, type: string): { type: string; prefix: string } | undefined {
  const own = ID_PREFIXES[type];
  const longer = LONGER_PREFIXES.get(type);
  if (own !== undefined && longer !== undefined && id.startsWith(`${own}-`)) {
    if (!longer.some((prefix) => id.startsWith(prefix))) return { type, prefix: `${own}-` };
  }
  return PREFIXES.find(({ prefix }) => id.startsWith(prefix));
}

/** Every type the table knows, by its name in lower case: an ARN's type in another case is refused by it. */
const KNOWN_TYPES: ReadonlyMap<string, string> = new Map(
  [...Object.keys(ID_PREFIXES), ...Object.keys(UNPREFIXED)].map((type) => [type.toLowerCase(), type]),
);

/**
 * The EC2 resource id of an ARN (everything after `type/`), checked against the type: an id of another type,
 * a type in the wrong case or a malformed id is `InvalidArn`; a type unitag does not know is
 * `UnsupportedResource`.
 */
export function resourceId(arn: ParsedArn): string {
  // A resource is named many times in a job (its check, its read, its write): its id is worked out once. The id
  // is kept with the fields it comes from, so a parsed ARN changed since gets its id worked out anew.
  const known = ids.get(arn);
  if (
    known?.resource === arn.resource &&
    known.resourceType === arn.resourceType &&
    known.resourceId === arn.resourceId &&
    known.region === arn.region &&
    known.accountId === arn.accountId
  )
    return known.id;
  const id = idOf(arn);
  const { resource, resourceType, resourceId, region, accountId } = arn;
  ids.set(arn, { resource, resourceType, resourceId, region, accountId, id });
  return id;
}

const ids = new WeakMap<
  ParsedArn,
  Pick<ParsedArn, 'resource' | 'resourceType' | 'resourceId' | 'region' | 'accountId'> & { id: string }
>();

function idOf(arn: ParsedArn): string {
  const context = { arn: arn.arn, service };
  const separator = arn.resource.charAt(arn.resourceType.length);
  const noRegion = arn.region === '' && !REGIONLESS.has(arn.resourceType);
  if (arn.resourceType === '' || separator !== '/' || arn.resourceId === '' || noRegion) {
    throw new UnsupportedResourceError(
      `${arn.arn} is not an EC2 resource ARN (arn:aws:ec2:region:account:type/id).`,
      context,
    );
  }
  const type = arn.resourceType;
  const id = arn.resourceId;
  const known = KNOWN_TYPES.get(type.toLowerCase());
  if (known !== undefined) rejectTypeCase(arn, [known], service);
  // Only public images and snapshots have ARNs without an account; any other would act on the credentials'
  // own account, which it does not name.
  if (arn.accountId === '' ? !ACCOUNTLESS.has(type) : !/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidArnError(
      `Invalid ARN "${arn.arn}": an EC2 ${type} ARN names its 12-digit account.`,
      context,
    );
  }
  const pattern = Object.hasOwn(UNPREFIXED, type) ? UNPREFIXED[type] : undefined;
  if (pattern) {
    if (!pattern.test(id))
      throw new InvalidArnError(`Invalid ARN "${arn.arn}": "${id}" is not a ${type} id.`, context);
    return id;
  }
  if (!Object.hasOwn(ID_PREFIXES, type)) {
    throw new UnsupportedResourceError(
      `unitag does not know the EC2 resource type "${type}" of ${arn.arn}, so it cannot check that the id belongs to it; ` +
        'known types are listed in docs/ec2-resource-ids.md.',
      context,
    );
  }
  const owner = ownerOf(id, type);
  const body = owner ? id.slice(owner.prefix.length) : '';
  if (owner?.type !== type || body === '' || !ID_BODY.test(body)) {
    const expected = `${ID_PREFIXES[type]}-`;
    const named = owner && owner.type !== type ? ` (that is ${article(owner.type)} ${owner.type} id)` : '';
    const hint =
      type === 'key-pair' || type === 'placement-group'
        ? `; CreateTags takes the ${type} id, not its name (see Describe${type === 'key-pair' ? 'KeyPairs' : 'PlacementGroups'})`
        : '';
    throw new InvalidArnError(
      `Invalid ARN "${arn.arn}": ${article(type)} ${type} id starts with "${expected}", not "${id}"${named}${hint}.`,
      context,
    );
  }
  if (HEX_ID_TYPES.has(type) && !HEX_ID.test(body)) {
    throw new InvalidArnError(
      `Invalid ARN "${arn.arn}": "${id}" is not ${article(type)} ${type} id, which is "${ID_PREFIXES[type]}-" and 8 or 17 ` +
        `lower-case hex digits (${ID_PREFIXES[type]}-0123456789abcdef0).`,
      context,
    );
  }
  return id;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}
