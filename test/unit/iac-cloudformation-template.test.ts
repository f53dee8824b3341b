// Reading a CloudFormation template's resources and their tags (src/iac/cloudformation-template.ts): JSON and YAML,
// every short form of the intrinsic functions read into its long form, the shapes Tags come in, values and tag
// sets a deployment computes, and text that is no template.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidIacStateError, isUnitagError } from '../../src/core/errors.js';
import { parseTemplate, readTemplate } from '../../src/iac/cloudformation-template.js';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
/** A template of one SNS topic whose Tags property is `tags` (YAML, indented under it). */
const topicWithTags = (...tags: string[]) =>
  yaml(
    'Resources:',
    '  T:',
    '    Type: AWS::SNS::Topic',
    '    Properties:',
    '      Tags:',
    ...tags.map((t) => `        ${t}`),
  );

describe('parseTemplate: the short forms', () => {
  it.each([
    ['!Ref Env', { Ref: 'Env' }],
    ['!Condition IsProd', { Condition: 'IsProd' }],
    ['!Sub "${AWS::StackName}-x"', { 'Fn::Sub': '${AWS::StackName}-x' }],
    ['!Sub ["${A}-x", { A: !Ref B }]', { 'Fn::Sub': ['${A}-x', { A: { Ref: 'B' } }] }],
    ['!GetAtt Queue.Arn', { 'Fn::GetAtt': ['Queue', 'Arn'] }],
    ['!GetAtt Db.Endpoint.Address', { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }],
    ['!GetAtt [Queue, Arn]', { 'Fn::GetAtt': ['Queue', 'Arn'] }],
    ['!Join ["-", [a, !Ref B]]', { 'Fn::Join': ['-', ['a', { Ref: 'B' }]] }],
    ['!Select [0, !GetAZs ""]', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }],
    ['!Split [",", "a,b"]', { 'Fn::Split': [',', 'a,b'] }],
    ['!If [C, a, !Ref AWS::NoValue]', { 'Fn::If': ['C', 'a', { Ref: 'AWS::NoValue' }] }],
    ['!FindInMap [M, !Ref AWS::Region, k]', { 'Fn::FindInMap': ['M', { Ref: 'AWS::Region' }, 'k'] }],
    ['!ImportValue shared-vpc', { 'Fn::ImportValue': 'shared-vpc' }],
    ['!ImportValue { "Fn::Sub": "${E}-vpc" }', { 'Fn::ImportValue': { 'Fn::Sub': '${E}-vpc' } }],
    ['!Base64 { "Fn::Sub": x }', { 'Fn::Base64': { 'Fn::Sub': 'x' } }],
    ['!Cidr [10.0.0.0/16, 4, 8]', { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }],
    ['!GetAZs us-east-1', { 'Fn::GetAZs': 'us-east-1' }],
    ['!Equals [!Ref E, prod]', { 'Fn::Equals': [{ Ref: 'E' }, 'prod'] }],
    ['!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Or [!Condition A, !Condition B]', { 'Fn::Or': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Not [!Condition A]', { 'Fn::Not': [{ Condition: 'A' }] }],
    [
      '!Transform { Name: AWS::Include, Parameters: { Location: s3://b/k } }',
      {
        'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } },
      },
    ],
    ['!Length [a, b]', { 'Fn::Length': ['a', 'b'] }],
    ['!ToJsonString { a: !Ref B }', { 'Fn::ToJsonString': { a: { Ref: 'B' } } }],
  ])('%s', (written, long) => {
    expect(parseTemplate(`V: ${written}\n`, 't.yaml')).toEqual({ V: long });
  });

  it('reads a short form in block style, and through an alias', () => {
    const text = yaml('A: &a !Sub', '  - "${X}-y"', '  - X: !Ref Z', 'B: *a');
    const long = { 'Fn::Sub': ['${X}-y', { X: { Ref: 'Z' } }] };
    expect(parseTemplate(text, 't.yaml')).toEqual({ A: long, B: long });
  });
});

describe('readTemplate', () => {
  it('reads a JSON template: each resource’s type and tags', () => {
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Topic: {
          Type: 'AWS::SNS::Topic',
          Properties: {
            Tags: [
              { Key: 'team', Value: 'web' },
              { Key: 'env', Value: { Ref: 'Env' } },
              { Key: 'name', Value: { 'Fn::Sub': '${AWS::StackName}-t' } },
              { Key: 'n', Value: 3 },
              { Key: 'on', Value: true },
            ],
          },
        },
        Param: {
          Type: 'AWS::SSM::Parameter',
          Properties: { Tags: { a: 'b', c: { 'Fn::GetAtt': ['T', 'X'] } } },
        },
        Bare: { Type: 'AWS::SQS::Queue' },
        NoTags: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'b' } },
      },
    };
    const read = readTemplate(JSON.stringify(template), 't.json');
    expect([...read.keys()]).toEqual(['Topic', 'Param', 'Bare', 'NoTags']);
    expect(read.get('Topic')).toEqual({
      type: 'AWS::SNS::Topic',
      tags: { team: 'web', env: undefined, name: undefined, n: '3', on: 'true' },
    });
    expect(Object.keys(read.get('Topic')?.tags ?? {})).toEqual(['team', 'env', 'name', 'n', 'on']);
    expect(read.get('Param')).toEqual({ type: 'AWS::SSM::Parameter', tags: { a: 'b', c: undefined } });
    expect(read.get('Bare')).toEqual({ type: 'AWS::SQS::Queue', tags: {} });
    expect(read.get('NoTags')).toEqual({ type: 'AWS::S3::Bucket', tags: {} });
    expect(Object.getPrototypeOf(read.get('Topic')?.tags)).toBeNull();
  });

  it('reads YAML: a list of {Key, Value}, values in short forms unknown', () => {
    const read = readTemplate(
      topicWithTags(
        '- Key: team',
        '  Value: web',
        '- { Key: env, Value: !Ref Env }',
        '- { Key: name, Value: !Sub "${AWS::StackName}-t" }',
        '- { Key: arn, Value: !GetAtt Q.Arn }',
        '- { Key: joined, Value: !Join [",", [a, b]] }',
        '- { Key: empty, Value: "" }',
      ),
      't.yaml',
    );
    const tags = read.get('T')?.tags;
    expect(tags).toEqual({
      team: 'web',
      env: undefined,
      name: undefined,
      arn: undefined,
      joined: undefined,
      empty: '',
    });
    expect(Object.keys(tags ?? {})).toEqual(['team', 'env', 'name', 'arn', 'joined', 'empty']);
  });

  it.each([
    ['AWS::SSM::Parameter', 'Tags'],
    ['AWS::Serverless::Function', 'Tags'],
    ['AWS::Batch::JobQueue', 'Tags'],
    ['AWS::Cognito::UserPool', 'UserPoolTags'],
  ])('reads a map of tags (%s, %s)', (type, property) => {
    const text = yaml(
      'Resources:',
      '  R:',
      `    Type: ${type}`,
      '    Properties:',
      `      ${property}:`,
      '        team: web',
      '        stage: !Ref Stage',
      '        count: 2',
    );
    expect(readTemplate(text, 't.yaml').get('R')).toEqual({
      type,
      tags: { team: 'web', stage: undefined, count: '2' },
    });
  });

  it('reads the list of a type whose property has another name (AWS::Cognito::IdentityPool)', () => {
    const text = yaml(
      'Resources:',
      '  P:',
      '    Type: AWS::Cognito::IdentityPool',
      '    Properties:',
      '      IdentityPoolTags: [{ Key: a, Value: b }]',
      '      Tags: [{ Key: not, Value: read }]',
    );
    expect(readTemplate(text, 't.yaml').get('P')?.tags).toEqual({ a: 'b' });
  });

  it.each([
    ['Tags given by !If', ['!If [IsProd, [{ Key: a, Value: b }], !Ref AWS::NoValue]']],
    ['Tags given by !Ref', ['!Ref TagList']],
    ['Tags in long form', ['{ "Fn::If": [C, [], []] }']],
    ['an entry given by !If', ['- !If [C, { Key: a, Value: b }, !Ref AWS::NoValue]']],
    ['a key given by !Ref', ['- { Key: !Ref K, Value: v }']],
    ['an entry without its Key', ['- { Value: v }']],
    ['a list entry that is a string', ['- a=b']],
    ['Tags as a string', ['"a=b"']],
  ])('reads %s as unknown', (_what, lines) => {
    const text = lines[0]?.startsWith('-')
      ? topicWithTags(...lines)
      : yaml('Resources:', '  T:', '    Type: AWS::SNS::Topic', '    Properties:', `      Tags: ${lines[0]}`);
    expect(readTemplate(text, 't.yaml').get('T')).toEqual({ type: 'AWS::SNS::Topic', tags: 'unknown' });
  });

  it('keeps keys named like Object.prototype’s members as own keys', () => {
    const read = readTemplate(
      topicWithTags(
        '- { Key: __proto__, Value: p }',
        '- { Key: constructor, Value: c }',
        '- { Key: toString, Value: s }',
      ),
      't.yaml',
    );
    const tags = read.get('T')?.tags as Record<string, string | undefined>;
    expect(Object.keys(tags)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(tags, '__proto__')?.value).toBe('p');
    expect(tags.constructor).toBe('c');
    const map = readTemplate(
      '{"Resources":{"P":{"Type":"AWS::SSM::Parameter","Properties":{"Tags":{"__proto__":"x","constructor":"y"}}}}}',
      't.json',
    );
    const mapTags = map.get('P')?.tags as Record<string, string | undefined>;
    expect(Object.keys(mapTags)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(mapTags)).toBeNull();
  });

  it('skips the loops of the AWS::LanguageExtensions transform (only the processed template names their resources)', () => {
    const text = yaml(
      'Transform: AWS::LanguageExtensions',
      'Resources:',
      '  Fn::ForEach::Topics:',
      '    - Name',
      '    - [a, b]',
      '    - Topic${Name}: { Type: AWS::SNS::Topic }',
      '  Plain: { Type: AWS::SNS::Topic }',
    );
    expect([...readTemplate(text, 't.yaml').keys()]).toEqual(['Plain']);
  });
});

describe('readTemplate refuses what is no template', () => {
  it.each([
    ['text that is neither JSON nor YAML', 'Resources: [unclosed', /not a JSON or YAML template/],
    ['a YAML document with a key twice', 'Resources: {}\nResources: {}\n', /not a JSON or YAML template/],
    // CloudFormation refuses it too: a short form right after another needs the long form of one of them.
    ['a short form right after another', 'V: !Base64 !Sub x\n', /at most one tag/],
    ['two YAML documents', 'Resources: {}\n---\nResources: {}\n', /not a JSON or YAML template/],
    ['an empty text', '', /no Resources map/],
    ['a template without Resources', '{"Parameters": {}}', /no Resources map/],
    ['Resources as a list', 'Resources: [a, b]', /no Resources map/],
    ['a JSON list', '[1, 2]', /no Resources map/],
    ['a resource without its Type', 'Resources:\n  T:\n    Properties: {}\n', /the resource T has no Type/],
    ['a resource that is a string', 'Resources:\n  T: AWS::SNS::Topic\n', /the resource T has no Type/],
  ])('%s', (_what, text, message) => {
    const error = (() => {
      try {
        readTemplate(text, 'stacks/app.yaml');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidIacStateError);
    expect(error).toMatchObject({ code: 'InvalidIacState', name: 'InvalidIacStateError' });
    expect((error as Error).message).toMatch(/^stacks\/app\.yaml: /);
    expect((error as Error).message).toMatch(message);
  });

  it('any text gives a Map or InvalidIacStateError, never another exception', () => {
    const fragments = fc.constantFrom(
      'Resources:',
      '  T:',
      '    Type: AWS::SNS::Topic',
      '    Properties:',
      '      Tags:',
      '        - { Key: a, Value: !Ref B }',
      '        - !If [C, x]',
      '!Sub',
      '!GetAtt',
      '&a',
      '*a',
      '{',
      '[',
      '"',
      '- ',
      ': ',
      '\t',
      '{"Resources": {"T": {"Type": "X", "Properties": {"Tags": ',
      '}}}}',
      '__proto__: 1',
    );
    const text = fc.oneof(
      fc.string(),
      fc.array(fc.oneof(fragments, fc.string()), { maxLength: 12 }).map((p) => p.join('\n')),
    );
    fc.assert(
      fc.property(text, (body) => {
        try {
          expect(readTemplate(body, 'fuzz')).toBeInstanceOf(Map);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidIacStateError);
          expect(isUnitagError(error)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
