import type { Catalog } from './types.js';

const calls = { tag: ['TagResource'], untag: ['UntagResource'], list: ['ListTagsOfResource'] };
const MOCKED =
  'Everything: LocalStack serves DynamoDB through DynamoDB Local, whose licence is not open source and which is not installed here; the conformance suite runs on an in-memory fake of its tagging.';

/** DynamoDB tables and streams (adapters/dynamodb.ts). */
export const catalog: Catalog = [
  {
    type: 'dynamodb:table',
    arn: 'arn:aws:dynamodb:REGION:ACCOUNT:table/NAME',
    example: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
    calls,
    identifier: 'the table ARN',
    notes:
      'Keys and values take no `@` (most services do). Indexes, backups and exports are refused (tag the table); a global table is tagged replica by replica. ListTagsOfResource pages by NextToken. AWS allows 5 tag writes and 10 reads a second per account, and its tags are eventually consistent.',
    mockedOnly: MOCKED,
  },
  {
    type: 'dynamodb:stream',
    arn: 'arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL',
    example: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-31T12:00:00.000',
    calls,
    identifier: 'the stream ARN',
    mockedOnly: MOCKED,
  },
];
