import { describe, expect, it } from 'vitest';
import { malformed, toUnitagError } from '../../src/core/aws-errors.js';
import {
  AccessDeniedError,
  AccountMismatchError,
  isUnitagError,
  MalformedResponseError,
  ResourceNotFoundError,
  ServiceError,
  ThrottledError,
  UnitagError,
} from '../../src/index.js';

function sdkError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
}

describe('toUnitagError', () => {
  it.each([
    ['ResourceNotFound', 'ResourceNotFound'], // SNS
    ['NotFound', 'ResourceNotFound'], // SNS (query protocol)
    ['QueueDoesNotExist', 'ResourceNotFound'], // SQS
    ['AWS.SimpleQueueService.NonExistentQueue', 'ResourceNotFound'], // SQS (query protocol)
    ['ResourceNotFoundException', 'ResourceNotFound'], // Lambda
    ['NoSuchBucket', 'ResourceNotFound'], // S3
    ['NoSuchKey', 'ResourceNotFound'],
    ['NoSuchVersion', 'ResourceNotFound'],
    ['NoSuchEntity', 'ResourceNotFound'], // IAM
    ['NoSuchEntityException', 'ResourceNotFound'],
    ['InvalidVolume.NotFound', 'ResourceNotFound'], // EC2
    ['InvalidInstanceID.NotFound', 'ResourceNotFound'],
    ['AuthorizationError', 'AccessDenied'], // SNS
    ['AccessDenied', 'AccessDenied'],
    ['AccessDeniedException', 'AccessDenied'],
    ['UnauthorizedOperation', 'AccessDenied'], // EC2
    ['Throttled', 'Throttled'], // SNS
    ['Throttling', 'Throttled'], // IAM
    ['ThrottlingException', 'Throttled'],
    ['RequestLimitExceeded', 'Throttled'], // EC2
    ['SlowDown', 'Throttled'], // S3
    ['TooManyRequestsException', 'Throttled'], // Lambda
    ['TagLimitExceeded', 'TagLimitExceeded'], // SNS
    ['TagLimitExceededException', 'TagLimitExceeded'],
    ['InvalidTag', 'InvalidTag'], // S3
    ['StaleTag', 'InvalidTag'], // SNS
    ['InvalidParameterValueException', 'ServiceError'],
    ['ConcurrentAccess', 'ServiceError'],
  ])('%s -> %s', (name, code) => {
    const cause = sdkError(name);
    const error = toUnitagError(cause, { arn: 'arn:aws:sns:us-east-1:123456789012:t', service: 'sns' });
    expect(error).toBeInstanceOf(UnitagError);
    expect(error).toMatchObject({ code, arn: 'arn:aws:sns:us-east-1:123456789012:t', service: 'sns', cause });
    expect(error.message).toContain(name);
  });

  it.each([
    ['Cannot exceed quota for TagsPerUser: 50', 'TagLimitExceeded'], // IAM
    ['The request was rejected because the key would have more than 50 tags', 'TagLimitExceeded'], // KMS
    ['Rate exceeded for stream s under account 123456789012', 'Throttled'], // Kinesis
    ['Too many operations for a given subscriber', 'Throttled'], // DynamoDB
  ])('LimitExceededException "%s" -> %s: a quota of tags is not throttling', (message, code) => {
    const cause = Object.assign(new Error(message), { name: 'LimitExceededException' });
    expect(toUnitagError(cause, {}).code).toBe(code);
  });

  it.each([
    // Lambda's and KMS's as real AWS answered them (docs/aws-facts.md, Tag limits); the others, phrasings of the
    // same refusal the pattern is written for.
    ['InvalidParameterValueException', 'Number of tags exceeds resource tag limit.', 'lambda'],
    ['TagException', 'Too many tags', 'kms'],
    ['InvalidTag', 'Bucket tag count cannot be greater than 50', 's3'],
    ['BadRequest', 'Object tags cannot be greater than 10', 's3'],
    [
      'InvalidArgumentException',
      'Failed to add tags to stream s because a given stream cannot have more than 50 tags associated with it.',
      'kinesis',
    ],
    [
      'ValidationException',
      'You have exceeded the maximum number of tags for this resource.',
      'secretsmanager',
    ],
  ])(
    '%s "%s" (%s) -> TagLimitExceeded: the count refused, whatever the refusal is named',
    (name, message, service) => {
      const cause = Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
      const error = toUnitagError(cause, { service });
      expect(error.code).toBe('TagLimitExceeded');
      expect(error.message).toContain('remove some tags first');
    },
  );

  it.each([
    ['InvalidParameterValueException', 'Tag keys must be between 1 and 128 characters', 'InvalidTag'],
    ['TagException', 'Tag key contains an invalid character', 'InvalidTag'],
    [
      'InvalidParameterValueException',
      'The function version arn:aws:lambda:us-east-1:1:function:too-many-tags is bad',
      'ServiceError',
    ],
    ['ThrottlingException', 'Too many requests', 'Throttled'],
  ])('%s "%s" -> %s: no count of tags in the message, no TagLimitExceeded', (name, message, code) => {
    expect(toUnitagError(Object.assign(new Error(message), { name }), {}).code).toBe(code);
  });

  it('uses the HTTP status when the name says nothing', () => {
    expect(toUnitagError(sdkError('Unknown', 429), {}).code).toBe('Throttled');
    expect(toUnitagError(sdkError('Unknown', 403), {}).code).toBe('AccessDenied');
  });

  it('builds the subclass for each code, and passes unitag errors through', () => {
    expect(toUnitagError(sdkError('NoSuchKey'), {})).toBeInstanceOf(ResourceNotFoundError);
    expect(toUnitagError(sdkError('AccessDenied'), {})).toBeInstanceOf(AccessDeniedError);
    expect(toUnitagError(sdkError('SlowDown'), {})).toBeInstanceOf(ThrottledError);
    expect(toUnitagError(new TypeError('socket hang up'), {})).toBeInstanceOf(ServiceError);
    const own = new ThrottledError('x');
    expect(toUnitagError(own, {})).toBe(own);
  });

  it("types an answer that is not the API's document as MalformedResponse, with what to do", () => {
    const arn = 'arn:aws:s3:::b';
    const own = toUnitagError(malformed('GetBucketTagging', 'an empty body'), { arn, service: 's3' });
    expect(own).toBeInstanceOf(MalformedResponseError);
    expect(own).toMatchObject({ code: 'MalformedResponse', arn, service: 's3' });
    expect(own.message).toContain('GetBucketTagging');
    expect(own.message).toContain('nothing was written');
    // The SDK's own parse failure of a body cut short.
    const cut = Object.assign(
      new SyntaxError(
        'Unexpected end of JSON input\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
      ),
      {},
    );
    expect(toUnitagError(cut, { arn })).toMatchObject({ code: 'MalformedResponse' });
  });

  it('AccountMismatchError carries its code and says what to do', () => {
    const error = new AccountMismatchError('wrong account', {
      arn: 'arn:aws:iam::111111111111:role/r',
      service: 'iam',
    });
    expect(error).toBeInstanceOf(UnitagError);
    expect(error).toMatchObject({ code: 'AccountMismatch', name: 'AccountMismatchError', service: 'iam' });
    expect(isUnitagError(error)).toBe(true);
  });

  it('recognises unitag errors across copies of the package', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('unitag.error')]: true, code: 'InvalidArn' });
    expect(isUnitagError(foreign)).toBe(true);
    expect(isUnitagError(new Error('x'))).toBe(false);
    expect(isUnitagError(null)).toBe(false);
  });

  it('serialises to a plain object for reports', () => {
    const error = new ResourceNotFoundError('gone', { arn: 'a', service: 's' });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'ResourceNotFound',
      message: 'gone',
      arn: 'a',
      service: 's',
    });
  });
});
