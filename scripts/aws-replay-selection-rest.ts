// The answers the replay suite keeps from the tests of the two REST APIs among unitag's services: Lambda (REST-JSON)
// and S3 (REST-XML). See scripts/aws-replay-group.ts for the notation, docs/aws-replay.md for what is left out.
import { ACCOUNT as A, type Group, NOT_FOUND } from './aws-replay-group.js';

const FN = `arn:aws:lambda:us-east-1:${A}:function:function-name-1`;
const ESM = `arn:aws:lambda:us-east-1:${A}:event-source-mapping:a1b2c3d4-5678-90ab-cdef-111111111111`;
const CAPACITY = `arn:aws:lambda:us-east-1:${A}:capacity-provider:provider-name-1`;
const BUCKET = 'arn:aws:s3:::bucket-name-1';
const OBJECT = 'arn:aws:s3:::bucket-name-1/key-1';

const LAMBDA_LIFECYCLE = Object.fromEntries(
  [
    'tag_single',
    'tag_multiple',
    'tag_overlap',
    'untag_single',
    'untag_multiple',
    'untag_nonexisting',
  ].flatMap((step) => [
    [`${step}_response`, step.split('_')[0] as string],
    [`${step}_response_listtags`, 'list'],
  ]),
);
LAMBDA_LIFECYCLE.untag_existing_and_nonexisting_response = 'untag';
LAMBDA_LIFECYCLE.untag_existing_and_nonexisting_response_listtags = 'list';

const lambda = (test: string, arn: string, keys: Record<string, string>): Group => ({
  service: 'lambda',
  file: 'lambda_/test_lambda_api.py',
  test,
  arn,
  keys,
});

/** Lambda functions, event-source mappings and capacity providers. */
export const LAMBDA: Group[] = [
  lambda('TestLambdaTags::test_tag_lifecycle', FN, {
    list_tags_response_postfncreate: 'list',
    tag_resource_response: 'tag',
    list_tags_response_postaddtags: 'list',
    tag_resource_overwrite: 'tag',
    list_tags_response_overwrite: 'list',
    list_tags_response_postuntag: 'list',
    list_tags_response_postuntagall: 'list',
    list_tags_postdelete: NOT_FOUND.list,
  }),
  lambda('TestLambdaTags::test_tag_exceptions', FN, {
    tag_lambda_doesnotexist: NOT_FOUND.tag,
    list_tag_lambda_empty: 'list',
    untag_nomatch: 'untag',
  }),
  lambda('TestLambdaTags::test_tag_limits', FN, {
    tag_lambda_too_many_tags: 'tag!TagLimitExceeded',
    tag_response: 'tag',
    list_tags_response: 'list',
    tag_lambda_too_many_tags_additional: 'tag!TagLimitExceeded',
  }),
  lambda('TestLambdaTag::test_tag_lifecycle[lambda_function]', FN, LAMBDA_LIFECYCLE),
  lambda('TestLambdaTag::test_tag_lifecycle[event_source_mapping]', ESM, LAMBDA_LIFECYCLE),
  lambda('TestLambdaTag::test_tag_exceptions[lambda_function]', FN, {
    not_found_exception_tag: NOT_FOUND.tag,
    not_found_exception_untag: NOT_FOUND.untag,
    not_found_exception_list: NOT_FOUND.list,
  }),
  lambda('TestLambdaTag::test_tag_exceptions[event_source_mapping]', ESM, {
    not_found_exception_tag: NOT_FOUND.tag,
    not_found_exception_untag: NOT_FOUND.untag,
    not_found_exception_list: NOT_FOUND.list,
  }),
  {
    ...lambda('TestLambdaTag::test_tag_exceptions[event_source_mapping]', `${ESM}:alias`, {
      aliased_arn_exception: 'list!InvalidArn',
    }),
    why: 'Lambda refused the ARN itself (it fails the pattern of a taggable Lambda ARN): no such resource can exist',
  },
  lambda('TestLambdaTag::test_tag_exceptions[capacity_provider]', CAPACITY, {
    not_found_exception_tag: NOT_FOUND.tag,
    not_found_exception_untag: NOT_FOUND.untag,
    not_found_exception_list: NOT_FOUND.list,
  }),
  {
    ...lambda('TestLambdaTag::test_tag_exceptions[capacity_provider]', `${CAPACITY}:alias`, {
      aliased_arn_exception: 'list!InvalidArn',
    }),
    why: 'Lambda refused the ARN itself (it fails the pattern of a taggable Lambda ARN): no such resource can exist',
  },
  lambda('TestLambdaTag::test_tag_nonexisting_resource', FN, {
    not_found_exception_tag: NOT_FOUND.tag,
    not_found_exception_untag: NOT_FOUND.untag,
    not_found_exception_list: NOT_FOUND.list,
  }),
  lambda('TestLambdaTag::test_create_tag_on_fn_create', FN, { list_tags_result: 'list' }),
  lambda('TestLambdaTag::test_create_tag_on_esm_create', ESM, { list_tags_result: 'list' }),
];

const s3 = (test: string, arn: string, keys: Record<string, string>, file = 's3/test_s3_api.py'): Group => ({
  service: 's3',
  file,
  test: `TestS3BucketObjectTagging::${test}`,
  arn,
  keys,
});

/** S3 buckets and objects. */
export const S3: Group[] = [
  s3('test_bucket_tagging_crud', BUCKET, {
    'get-bucket-tags-empty': 'list',
    'put-bucket-tags': 'tag',
    'get-bucket-tags': 'list',
    'put-bucket-tags-overwrite': 'tag',
    'get-bucket-tags-overwritten': 'list',
    'delete-bucket-tags': 'untag',
  }),
  s3('test_object_tagging_crud', OBJECT, {
    'get-object-tags-empty': 'list',
    'put-object-tags': 'tag',
    'get-object-tags': 'list',
    'put-object-tags-overwrite': 'tag',
    'get-object-tags-overwritten': 'list',
    'delete-object-tags': 'untag',
    'get-object-tags-deleted': 'list',
  }),
  s3('test_put_object_with_tags', OBJECT, {
    'get-object-tags': 'list',
    'put-object-tags': 'tag',
    'get-object-tags-override': 'list',
    'get-object-tags-wrong-format-qs': 'list',
    'get-object-tags-wrong-format-qs-2': 'list',
  }),
  s3('test_bucket_tagging_exc', BUCKET, {
    'get-no-bucket-tags': NOT_FOUND.list,
    'delete-no-bucket-tags': NOT_FOUND.untag,
    'put-no-bucket-tags': NOT_FOUND.tag,
  }),
  {
    ...s3('test_object_tagging_versioned', OBJECT, {
      'put-object-tags-current-version': 'tag',
      'get-object-tags-current-version': 'list',
      'get-object-tags-previous-version': 'list',
      'put-object-tags-previous-version': 'tag',
      'get-object-tags-previous-version-again': 'list',
      'get-object-tags-deleted-current': 'list',
      'get-object-tags-previous-version-deleted': 'list',
      'put-object-tags-delete-marker-latest': NOT_FOUND.tag,
      'get-object-tags-delete-marker-latest': NOT_FOUND.list,
      'delete-object-tags-delete-marker-latest': NOT_FOUND.untag,
    }),
    why: "the object's current version is a delete marker (405, ResourceType DeleteMarker): the object the ARN names is deleted",
  },
  s3('test_object_tagging_exc', OBJECT, {
    'get-no-bucket-tags': NOT_FOUND.list,
    'delete-no-bucket-tags': NOT_FOUND.untag,
    'put-no-bucket-tags': NOT_FOUND.tag,
    'get-no-key-tags': NOT_FOUND.list,
    'delete-no-key-tags': NOT_FOUND.untag,
    'put-no-key-tags': NOT_FOUND.tag,
  }),
  s3('test_object_tags_delete_or_overwrite_object', OBJECT, {
    'get-object-after-creation': 'list',
    'get-object-after-overwrite': 'list',
    'get-object-after-recreation': 'list',
  }),
  s3('test_tagging_validation', BUCKET, {
    'put-bucket-tags-invalid-key': 'tag!InvalidTag',
    'put-bucket-tags-invalid-value': 'tag!InvalidTag',
  }),
  s3('test_tagging_validation', OBJECT, { 'put-object-tags-invalid-field': 'tag!InvalidTag' }),
  s3('test_put_object_tagging_none_value', OBJECT, { 'get-object-tags-none': 'list' }),
  s3('test_put_bucket_tagging_none_value', BUCKET, {
    'put-bucket-tags-origin': 'tag',
    'no-such-tag-set': 'list',
  }),
  s3('test_create_bucket_with_tags', BUCKET, { 'get-bucket-tags': 'list' }),
  s3('test_create_bucket_with_tags_us_east_1_idempotency', BUCKET, {
    'get-bucket-tags': 'list',
    'get-bucket-tags-after-re-create': 'list',
    'get-bucket-tags-after-create-empty': 'list',
  }),
  s3('test_create_bucket_with_empty_tags', BUCKET, { 'get-bucket-tags': 'list' }),
  s3('test_head_object_with_tags', OBJECT, { 'put-object-tags': 'tag' }),
  {
    ...s3(
      'test_put_object_tagging_empty_list',
      OBJECT,
      { 'created-object-tags': 'list', 'updated-object-tags': 'list', 'deleted-object-tags': 'list' },
      's3/test_s3.py',
    ),
    test: 'TestS3::test_put_object_tagging_empty_list',
  },
];
