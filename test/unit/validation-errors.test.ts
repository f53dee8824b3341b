// A request AWS refused as invalid (ValidationException and the names each service gives it) is not a failure
// in passing: the error says so, never advises a retry, and the bulk engine never sends it again.
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { InvalidInputException } from '@aws-sdk/client-iam';
import { AddTagsToStreamCommand, InvalidArgumentException, KinesisClient } from '@aws-sdk/client-kinesis';
import { InvalidParameterValueException } from '@aws-sdk/client-lambda';
import { InvalidParameterException } from '@aws-sdk/client-resource-groups-tagging-api';
import {
  SNSClient,
  InvalidParameterException as SnsInvalidParameter,
  TagResourceCommand,
} from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { awsFailure, toUnitagError } from '../../src/core/aws-errors.js';
import { createError } from '../../src/core/errors.js';
import { isTransient } from '../../src/core/retry.js';
import { mockClients, mockedTagger } from '../mocks/sdk.js';

const { sns, kinesis } = mockClients({ sns: SNSClient, kinesis: KinesisClient });
const STREAM = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';
const meta = { $metadata: { httpStatusCode: 400 } };

// Each as the SDK builds it from AWS's answer (a modelled exception class, or the service's base exception
// carrying the name when the service does not model it).
const refusals: [string, Error][] = [
  [
    'Kinesis InvalidArgumentException',
    new InvalidArgumentException({ message: 'StreamARN has an invalid format', ...meta }),
  ],
  [
    'DynamoDB ValidationException',
    new DynamoDBServiceException({
      name: 'ValidationException',
      $fault: 'client',
      message: '1 validation error detected: Value at resourceArn failed to satisfy constraint',
      ...meta,
    }),
  ],
  [
    'Lambda InvalidParameterValueException',
    new InvalidParameterValueException({ message: 'The resource ARN is not valid', Type: 'User', ...meta }),
  ],
  [
    'Tagging API InvalidParameterException',
    new InvalidParameterException({ message: 'ResourceARNList contains an ARN it cannot parse', ...meta }),
  ],
  [
    'IAM InvalidInputException',
    new InvalidInputException({ message: 'ARN arn:aws:iam::1:x is not valid', ...meta }),
  ],
];

describe('a request AWS refused as invalid', () => {
  it.each(refusals)(
    '%s: a ServiceError that says retrying will not help, and is not transient',
    (_, cause) => {
      const error = toUnitagError(cause, { arn: STREAM, service: 'kinesis' });
      expect(error).toMatchObject({ code: 'ServiceError', cause });
      expect(error.message).toContain(cause.name);
      expect(error.message).toMatch(/refused the request as invalid/);
      expect(error.message).toMatch(/retrying (it )?will not help/);
      expect(error.message).not.toMatch(/\bretry;/);
      expect(isTransient(error)).toBe(false);
    },
  );

  it.each([
    ['Kinesis', new InvalidArgumentException({ message: 'Tag key must not start with aws:', ...meta })],
    [
      'Lambda',
      new InvalidParameterValueException({
        message: "1 validation error detected: Value at 'tags' failed to satisfy constraint",
        Type: 'User',
        ...meta,
      }),
    ],
  ])('%s: one about tags is InvalidTag, with the advice to fix the tag', (_, cause) => {
    const error = toUnitagError(cause, { arn: STREAM, service: 'kinesis' });
    expect(error).toMatchObject({ code: 'InvalidTag', cause });
    expect(error.message).toMatch(/fix the tag/);
  });

  it('is never transient, whatever HTTP status came with it', () => {
    const odd = Object.assign(new Error('bad'), {
      name: 'ValidationException',
      $metadata: { httpStatusCode: 500 },
    });
    expect(isTransient(createError('ServiceError', 'x', { cause: odd }))).toBe(false);
  });

  it("types the tagging API's per-resource InvalidParameterException the same way", () => {
    const error = toUnitagError(awsFailure('InvalidParameterException', 400, 'the ARN is not valid'), {
      arn: TOPIC,
    });
    expect(error.code).toBe('ServiceError');
    expect(error.message).toMatch(/refused the request as invalid/);
  });

  it('is not the ARN or the message of an operation named Tag...: those words do not make it a tag error', () => {
    const cause = new SnsInvalidParameter({
      message: 'Invalid parameter: TagResource needs a topic ARN',
      ...meta,
    });
    expect(toUnitagError(cause, { arn: TOPIC }).code).toBe('ServiceError');
  });
});

describe('the bulk engine never sends a refused request again', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('Kinesis InvalidArgumentException fails the stream after one call, with a retry budget left', async () => {
    // Prepare
    kinesis
      .on(AddTagsToStreamCommand)
      .rejects(new InvalidArgumentException({ message: 'StreamARN has an invalid format', ...meta }));
    const tagger = mockedTagger({ preferTaggingApi: false, retryFor: 60_000 });
    // Act
    const running = tagger.tagMany([STREAM], { a: '1' });
    await vi.advanceTimersByTimeAsync(60_000);
    const report = await running;
    // Assess
    expect(report.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'ServiceError' } });
    expect(kinesis.commandCalls(AddTagsToStreamCommand)).toHaveLength(1);
  });

  it('SNS InvalidParameterException likewise', async () => {
    sns
      .on(TagResourceCommand)
      .rejects(new SnsInvalidParameter({ message: 'Invalid parameter: ResourceArn', ...meta }));
    const tagger = mockedTagger({ preferTaggingApi: false, retryFor: 60_000 });
    const running = tagger.tagMany([TOPIC], { a: '1' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await running).results[0]?.error?.message).toMatch(/will not help/);
    expect(sns.commandCalls(TagResourceCommand)).toHaveLength(1);
  });
});
