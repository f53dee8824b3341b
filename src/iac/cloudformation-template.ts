// A CloudFormation template's resources and the tags each declares, read from the template's text (JSON or YAML,
// with the short forms of the intrinsic functions): what the stack sets back on its resources at each update.
import { type CollectionTag, Pair, parseDocument, type ScalarTag, YAMLMap } from 'yaml';
import { InvalidIacStateError } from '../core/errors.js';
import { newTags } from '../core/shapes.js';

/** One resource of a template: its type, and the tags it declares (`'unknown'` where the template computes them). */
export interface TemplateResource {
  /** `AWS::SNS::Topic`, ... */
  type: string;
  /**
   * Key to value (prototype-free); a value the template computes (`!Ref Env`, `!Sub ...`) is `undefined`: the key
   * is declared, its value is not known from the template. `'unknown'`: the template gives the tags as a whole by
   * a function (`!If [...]`), or a key by one, so that which keys it sets cannot be told.
   */
  tags: Record<string, string | undefined> | 'unknown';
}

/**
 * The short forms YAML templates write the intrinsic functions in (`!Sub 'x-${Env}'`), and the long form each
 * stands for (`{ "Fn::Sub": "x-${Env}" }`): the AWS template reference's "Intrinsic function reference".
 */
const SHORT_FORMS: Readonly<Record<string, string>> = {
  Ref: 'Ref',
  Condition: 'Condition',
  ...Object.fromEntries(
    [
      'And',
      'Base64',
      'Cidr',
      'Equals',
      'FindInMap',
      'GetAtt',
      'GetAZs',
      'If',
      'ImportValue',
      'Join',
      'Length',
      'Not',
      'Or',
      'Select',
      'Split',
      'Sub',
      'ToJsonString',
      'Transform',
    ].map((name) => [name, `Fn::${name}`]),
  ),
};

/**
 * Where a type's tags are, for the few types whose property is not `Tags` (Amazon Cognito's pools). Whether they
 * are a list of `{Key, Value}` (most types) or a map (`AWS::SSM::Parameter`, `AWS::Serverless::*`,
 * `AWS::Batch::*`, ...) is read from the value itself.
 */
const TAG_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::Cognito::UserPool': 'UserPoolTags',
  'AWS::Cognito::IdentityPool': 'IdentityPoolTags',
};

/** The YAML tags of the short forms: each as a scalar, a sequence and a mapping, read into its long form. */
const CUSTOM_TAGS: (ScalarTag | CollectionTag)[] = Object.entries(SHORT_FORMS).flatMap(([short, long]) => {
  // A collection's node is kept as it is, inside a mapping: aliases and nested short forms inside it resolve too.
  const wrap = (node: unknown) => {
    const map = new YAMLMap();
    map.items.push(new Pair(long, node));
    return map;
  };
  return [
    { tag: `!${short}`, resolve: (text: string) => ({ [long]: scalarArgument(short, text) }) },
    { tag: `!${short}`, collection: 'seq', resolve: wrap } as CollectionTag,
    { tag: `!${short}`, collection: 'map', resolve: wrap } as CollectionTag,
  ];
});

/** `!GetAtt Res.Attr` is `["Res", "Attr"]` (the attribute may hold dots itself); other scalars stay strings. */
function scalarArgument(short: string, text: string): unknown {
  if (short !== 'GetAtt') return text;
  const dot = text.indexOf('.');
  return dot === -1 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

/**
 * Every resource of a template, by logical id, with its type and its tags as the template declares them. `source`
 * names the template in errors (a file, or the stack's ARN). Throws `InvalidIacStateError` for text that is not
 * JSON or YAML, or a template without its `Resources` map.
 *
 * @example
 * readTemplate('Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      Tags:\n        - { Key: env, Value: !Ref Env }\n', 't.yaml');
 * // Map { 'T' => { type: 'AWS::SNS::Topic', tags: { env: undefined } } }
 */
export function readTemplate(body: string, source: string): Map<string, TemplateResource> {
  const template = parseTemplate(body, source);
  const resources = isObject(template) ? template.Resources : undefined;
  if (!isObject(resources) || Array.isArray(resources)) {
    throw new InvalidIacStateError(`${source}: not a CloudFormation template (it has no Resources map).`);
  }
  const read = new Map<string, TemplateResource>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    // `Fn::ForEach::Name` (the AWS::LanguageExtensions transform) makes resources only the processed template names.
    if (logicalId.startsWith('Fn::')) continue;
    const type = isObject(resource) ? resource.Type : undefined;
    if (typeof type !== 'string') {
      throw new InvalidIacStateError(`${source}: the resource ${logicalId} has no Type.`);
    }
    const properties = (resource as Record<string, unknown>).Properties;
    const property = Object.hasOwn(TAG_PROPERTY, type) ? (TAG_PROPERTY[type] as string) : 'Tags';
    const value = isObject(properties) ? properties[property] : undefined;
    read.set(logicalId, { type, tags: tagsOf(value) });
  }
  return read;
}

/**
 * The template as data: JSON where it is JSON, else YAML, its short forms read into their long form (`!Ref Env` is
 * `{ Ref: 'Env' }`). Throws `InvalidIacStateError` for text that is neither.
 */
export function parseTemplate(body: string, source: string): unknown {
  if (typeof body !== 'string') throw new InvalidIacStateError(`${source}: a template is text.`);
  if (/^\s*\{/.test(body)) {
    try {
      return JSON.parse(body);
    } catch {
      // A YAML flow mapping starts with `{` too: YAML decides.
    }
  }
  try {
    // `error`, not `silent`: silent also drops the error of a text of several documents (yaml 2.9).
    const document = parseDocument(body, { customTags: CUSTOM_TAGS, logLevel: 'error', uniqueKeys: true });
    const [error] = document.errors;
    if (error) throw error;
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const said = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InvalidIacStateError(`${source}: not a JSON or YAML template (${said}).`, { cause: error });
  }
}

/** A resource's tags from its Tags property: none, a list of `{Key, Value}`, or a map. */
function tagsOf(value: unknown): TemplateResource['tags'] {
  if (value === undefined || value === null) return newTags();
  if (Array.isArray(value)) return tagList(value);
  if (!isObject(value) || isIntrinsic(value)) return 'unknown';
  const tags: Record<string, string | undefined> = newTags();
  for (const [key, v] of Object.entries(value)) tags[key] = plainValue(v);
  return tags;
}

function tagList(list: unknown[]): TemplateResource['tags'] {
  const tags: Record<string, string | undefined> = newTags();
  for (const entry of list) {
    // An entry given by a function (`!If [c, {Key: a, Value: b}, !Ref AWS::NoValue]`) may or may not set its key.
    if (!isObject(entry) || isIntrinsic(entry)) return 'unknown';
    const key = plainValue(entry.Key);
    if (key === undefined) return 'unknown';
    tags[key] = plainValue(entry.Value);
  }
  return tags;
}

/** A value the template holds as it is (a string; a number or a boolean as CloudFormation passes it on). */
function plainValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `{ "Ref": ... }`, `{ "Fn::...": ... }`, `{ "Condition": ... }`: a function's call, which only a deployment resolves. */
function isIntrinsic(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || /^Fn::/.test(keys[0] ?? ''));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
