// docs/reference/output.md: the JSON every command prints with --output json, from the schema the package ships
// (schema/output.schema.json), which the CLI tests validate every command's output against.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { code, generatedNotice, table } from './markdown.js';

/** The part of JSON Schema the output schema uses. */
interface Schema {
  title?: string;
  description?: string;
  type?: string;
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  $ref?: string;
  allOf?: { if: Schema; then: Schema }[];
  definitions?: Record<string, Schema>;
}

/** The shipped schema. */
export function readSchema(root: string): Schema {
  return JSON.parse(readFileSync(join(root, 'schema', 'output.schema.json'), 'utf8')) as Schema;
}

/** What a value must be, in words: its constant, its values, its type with what it holds. */
function typeOf(schema: Schema): string {
  if (schema.$ref) return `[${schema.$ref.split('/').pop()}](#${schema.$ref.split('/').pop()})`;
  if (schema.const !== undefined) return code(JSON.stringify(schema.const));
  if (schema.enum) return `one of ${schema.enum.map((v) => code(JSON.stringify(v))).join(', ')}`;
  if (schema.type === 'array' && schema.items) return `array of ${typeOf(schema.items)}`;
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object') {
    return `object of ${typeOf(schema.additionalProperties)}`;
  }
  const limits = [
    schema.minimum !== undefined ? `≥ ${schema.minimum}` : '',
    schema.pattern ? `matching ${code(schema.pattern)}` : '',
  ].filter(Boolean);
  return [schema.type ?? 'any', ...limits].join(', ');
}

/** A member's type; an object with members of its own links to its section. */
function memberType(name: string, member: Schema): string {
  if (member.type === 'object' && member.properties) return `object ([${name}](#${name}))`;
  if (member.type === 'array' && member.items?.properties) return `array of objects ([${name}](#${name}))`;
  return typeOf(member);
}

/** An object's members: name, type, whether required, description. */
function members(schema: Schema): string {
  const required = new Set(schema.required ?? []);
  return table(
    ['member', 'type', 'required', 'description'],
    Object.entries(schema.properties ?? {}).map(([name, member]) => [
      code(name),
      memberType(name, member),
      required.has(name) ? 'yes' : 'no',
      member.description ?? '',
    ]),
  );
}

/** The nested objects with members of their own, each as a section. */
function nested(schema: Schema): [string, Schema][] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, member]) => {
    const object = member.type === 'array' ? member.items : member;
    return object?.type === 'object' && object.properties
      ? [[name, object] as [string, Schema], ...nested(object)]
      : [];
  });
}

/** The values of `outcome` and the members of `totals` each command uses, from the schema's conditions. */
function byCommand(schema: Schema): string {
  const rows = (schema.allOf ?? []).map(({ if: when, then }) => {
    const command = when.properties?.command;
    const commands = command?.enum ?? [command?.const];
    const outcome = then.properties?.resources?.items?.properties?.outcome?.enum ?? [];
    const totals = then.properties?.totals?.required ?? [];
    return [
      commands.map((c) => code(String(c))).join(', '),
      outcome.map((o) => code(String(o))).join(', '),
      totals.map(code).join(', '),
    ];
  });
  return table(['command', '`outcome` of a line', 'members of `totals`'], rows);
}

/** The page, before Biome formats it. */
export function renderOutput(root: string): string {
  const schema = readSchema(root);
  const line = schema.definitions?.line ?? {};
  const definitions = Object.entries(schema.definitions ?? {}).filter(([name]) => name !== 'line');
  return [
    generatedNotice('the JSON Schema the package ships (`schema/output.schema.json`)'),
    '',
    `# ${schema.title ?? 'JSON output'}`,
    '',
    `${schema.description ?? ''} The schema ships in the package as ${code('unitag/schema/output.schema.json')} (draft-07); the CLI tests validate every command's output against it.`,
    '',
    '## The envelope',
    '',
    members(schema),
    '',
    '## By command',
    '',
    byCommand(schema),
    '',
    '## line',
    '',
    'A line of `resources`: one resource.',
    '',
    members(line),
    '',
    ...[...nested(schema), ...nested(line)].flatMap(([name, object]) => [
      `## ${name}`,
      '',
      ...(object.description ? [object.description, ''] : []),
      members(object),
      '',
    ]),
    ...definitions.flatMap(([name, definition]) => [
      `## ${name}`,
      '',
      `Type: ${typeOf(definition)}. ${definition.description ?? ''}`,
      '',
    ]),
  ].join('\n');
}
