import type { Catalog } from './types.js';

const calls = {
  tag: ['AddTagsToResource'],
  untag: ['RemoveTagsFromResource'],
  list: ['ListTagsForResource'],
};
const NAMED = "`ResourceType` and the resource's name or id";

/** Systems Manager parameters, documents, maintenance windows and patch baselines (adapters/ssm.ts). */
export const catalog: Catalog = [
  {
    type: 'ssm:parameter',
    arn: 'arn:aws:ssm:REGION:ACCOUNT:parameter/NAME',
    example: 'arn:aws:ssm:us-east-1:123456789012:parameter/app/db/url',
    calls,
    identifier: `${NAMED} (\`/a/b\` for \`parameter/a/b\`, \`name\` for \`parameter/name\`)`,
    notes: "Up to 15 levels of letters, digits, `_`, `.` and `-`. AWS's public parameters cannot be tagged.",
  },
  {
    type: 'ssm:document',
    arn: 'arn:aws:ssm:REGION:ACCOUNT:document/NAME',
    example: 'arn:aws:ssm:us-east-1:123456789012:document/restart-web',
    calls,
    identifier: NAMED,
  },
  {
    type: 'ssm:maintenancewindow',
    arn: 'arn:aws:ssm:REGION:ACCOUNT:maintenancewindow/mw-ID',
    example: 'arn:aws:ssm:us-east-1:123456789012:maintenancewindow/mw-0123456789abcdef0',
    calls,
    identifier: NAMED,
  },
  {
    type: 'ssm:patchbaseline',
    arn: 'arn:aws:ssm:REGION:ACCOUNT:patchbaseline/pb-ID',
    example: 'arn:aws:ssm:us-east-1:123456789012:patchbaseline/pb-0123456789abcdef0',
    calls,
    identifier: NAMED,
    mockedOnly: 'Every call: LocalStack answers `InvalidResourceId` to every tag call on a patch baseline.',
  },
];
