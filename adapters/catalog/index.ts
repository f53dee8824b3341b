import { catalog as cloudwatch } from './cloudwatch.js';
import { catalog as dynamodb } from './dynamodb.js';
import { catalog as ec2 } from './ec2.js';
import { catalog as events } from './events.js';
import { catalog as iam } from './iam.js';
import { catalog as kinesis } from './kinesis.js';
import { catalog as kms } from './kms.js';
import { catalog as lambda } from './lambda.js';
import { catalog as logs } from './logs.js';
import { catalog as organizations } from './organizations.js';
import { catalog as s3 } from './s3.js';
import { catalog as secretsmanager } from './secretsmanager.js';
import { catalog as sns } from './sns.js';
import { catalog as sqs } from './sqs.js';
import { catalog as ssm } from './ssm.js';
import { catalog as states } from './states.js';
import { catalog as taggingApi } from './tagging-api.js';
import type { Catalog } from './types.js';

export { type Catalog, describesType, type ResourceDescription } from './types.js';

/** Each adapter's catalog, by the adapter's name (its file's name); every registered adapter has one. */
export const CATALOGS: Readonly<Record<string, Catalog>> = {
  sns,
  sqs,
  lambda,
  s3,
  ec2,
  iam,
  dynamodb,
  kms,
  secretsmanager,
  ssm,
  logs,
  kinesis,
  states,
  events,
  cloudwatch,
  organizations,
  'tagging-api': taggingApi,
};
