// The generated reference pages (scripts/docs.ts, docs/reference/*.md): the catalogs they are made from agree with
// the adapters, the pages name every adapter's types and every CLI command, Biome leaves them as they are, and
// docs:check reports a page that differs from what the code generates.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOGS, describesType, type ResourceDescription } from '../../adapters/catalog/index.js';
import { program } from '../../scripts/docs/cli.js';
import { formatMarkdown } from '../../scripts/docs/markdown.js';
import { generate, PAGES, stalePages } from '../../scripts/docs/pages.js';
import { describedTypes, registeredAdapters } from '../../scripts/docs/resources.js';
import { EXIT } from '../../src/cli/common.js';
import { EXIT_CODES, exitCodesOf, helpOf } from '../../src/cli/help.js';
import { parseArn } from '../../src/index.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const adapters = registeredAdapters();
const pages = generate(root);
const page = (path: string) => pages.get(path) ?? '';

/** An ARN form (`arn:aws:ec2:REGION:[ACCOUNT]:TYPE/ID`) as a pattern: capitals stand for any text, `[...]` is optional. */
function formPattern(form: string): RegExp {
  const convert = (text: string): string =>
    text
      .split(/((?<![A-Za-z])[A-Z]{2,}(?:-[A-Z]{2,})*(?![A-Za-z]))/)
      .map((part, i) => (i % 2 === 1 ? '.+' : part.replace(/[.*+?^${}()|\\/]/g, '\\$&')))
      .join('');
  const body = form
    .split(/(\[[^\]]*\])/)
    .map((part) => (part.startsWith('[') ? `(?:${convert(part.slice(1, -1))})?` : convert(part)))
    .join('');
  return new RegExp(`^${body}$`);
}

/** The source of an adapter: its file, and the files of a folder or siblings named after it. */
function adapterSource(name: string): string {
  const dir = join(root, 'adapters');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.startsWith('catalog'))
    .filter((file) => file === `${name}.ts` || file.startsWith(`${name}/`) || file.startsWith(`${name}-`))
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .join('\n');
}

describe("the adapters' catalogs (adapters/catalog/)", () => {
  it('has one for every registered adapter, the tagging-API fallback included, and none for another', () => {
    const names = adapters.map((a) => a.name).sort();
    expect(Object.keys(CATALOGS).sort()).toEqual(names);
    const files = readdirSync(join(root, 'adapters', 'catalog'))
      .filter((f) => f.endsWith('.ts') && !['index.ts', 'types.ts', 'not-served.ts'].includes(f))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual(names);
    for (const name of names) expect(CATALOGS[name]?.length, name).toBeGreaterThan(0);
  });

  it.each(
    Object.entries(CATALOGS).flatMap(([name, catalog]) =>
      catalog.map((entry) => [name, entry.type, entry] as const),
    ),
  )('%s %s: its example parses, is of its ARN form, and describe() gives it its type', (name, _, entry) => {
    const adapter = adapters.find((a) => a.name === name);
    expect(entry.example).toMatch(formPattern(entry.arn));
    const info = adapter?.describe(parseArn(entry.example));
    expect(info && describesType(entry, info.type), `${info?.type} for ${entry.type}`).toBe(true);
  });

  it.each(Object.keys(CATALOGS))(
    '%s: every call named is one its code sends, and every IAM action permissions() names is a call named',
    (name) => {
      const source = adapterSource(name);
      const adapter = adapters.find((a) => a.name === name);
      for (const entry of CATALOGS[name] ?? []) {
        for (const operation of ['tag', 'untag', 'list'] as const) {
          const calls = entry.calls[operation].flatMap((step) => step.split(' or '));
          for (const call of calls)
            expect(source, `${entry.type} ${call}`).toMatch(new RegExp(`\\b${call}(?:Command)?\\b`));
          const actions = adapter?.permissions?.(parseArn(entry.example), {})[operation] ?? [];
          const named = actions.filter((a) => a !== 'sts:GetCallerIdentity').map((a) => a.split(':')[1]);
          for (const action of named) expect(calls, `${entry.type} ${operation}`).toContain(action);
        }
      }
    },
  );

  it('reads ARN forms as patterns: capitals for any text, brackets for optional parts', () => {
    expect('arn:aws:ec2:us-east-1::image/ami-1').toMatch(
      formPattern('arn:aws:ec2:REGION:[ACCOUNT]:image/ID'),
    );
    expect('arn:aws:states:r:1:stateMachine:x').toMatch(
      formPattern('arn:aws:states:REGION:ACCOUNT:stateMachine:NAME'),
    );
    expect('arn:aws:states:r:1:statemachine:x').not.toMatch(
      formPattern('arn:aws:states:REGION:ACCOUNT:stateMachine:NAME'),
    );
    expect('arn:aws:logs:r:1:log-group:g:*').toMatch(
      formPattern('arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]'),
    );
    expect('arn:aws:sns:r:1:t').not.toMatch(formPattern('arn:aws:sqs:REGION:ACCOUNT:NAME'));
  });

  it('matches a type with capitalized parts to any value of those parts, and nothing else', () => {
    const [sns] = CATALOGS.sns ?? [];
    const entry = (type: string) => ({ ...(sns as ResourceDescription), type });
    expect(describesType(entry('ec2:TYPE'), 'ec2:volume')).toBe(true);
    expect(describesType(entry('ec2:TYPE'), 'iam:role')).toBe(false);
    expect(describesType(entry('SERVICE:TYPE'), 'rds:db')).toBe(true);
    expect(describesType(entry('states:stateMachine'), 'states:statemachine')).toBe(false);
  });
});

describe('the generated pages', () => {
  it('names every type of every registered adapter, and every type its inventory lists, in resources.md', () => {
    const text = page('docs/reference/resources.md');
    const types = describedTypes(adapters);
    expect(types.length).toBeGreaterThan(30);
    for (const { entry } of types) expect(text).toContain(`### \`${entry.type}\``);
    for (const adapter of adapters) {
      expect(text).toContain(`## \`${adapter.name}\``);
      for (const type of adapter.inventory?.types ?? []) expect(text, adapter.name).toContain(`\`${type}\``);
    }
  });

  it('names every CLI command, with each of its options, in cli.md', () => {
    const text = page('docs/reference/cli.md');
    const { program: built, helper } = program();
    const commands = built.commands;
    expect(commands.map((c) => c.name())).toEqual(
      expect.arrayContaining([
        'tag',
        'untag',
        'list',
        'find',
        'plan',
        'apply',
        'check',
        'explain',
        'permissions',
      ]),
    );
    for (const command of commands) {
      expect(text).toContain(`## \`unitag ${command.name()}\``);
      for (const option of helper.visibleOptions(command))
        expect(text, command.name()).toContain(option.flags);
    }
    for (const option of helper.visibleOptions(built)) expect(text).toContain(option.flags);
    for (const meaning of Object.values(EXIT_CODES)) expect(text).toContain(meaning);
  });

  it('names every member of the JSON output in output.md', () => {
    const text = page('docs/reference/output.md');
    const schema = JSON.parse(readFileSync(join(root, 'schema', 'output.schema.json'), 'utf8'));
    for (const name of Object.keys(schema.properties)) expect(text).toContain(`\`${name}\``);
    for (const name of Object.keys(schema.definitions.line.properties)) expect(text).toContain(`\`${name}\``);
  });

  it('starts each page with the line that says it is generated, and by which command', () => {
    for (const { path } of PAGES) {
      // A module says it in a comment.
      const notice = path.endsWith('.ts')
        ? /^\/\/ Generated by `npm run docs`/
        : /^> Generated by `npm run docs`/;
      expect(page(path).split('\n')[0], path).toMatch(notice);
    }
  });

  it('writes each page as Biome formats it, so that npm run lint leaves it as it is', () => {
    for (const [path, text] of pages) expect(formatMarkdown(root, path, text), path).toBe(text);
  });
});

describe('the CLI help and the reference say the same', () => {
  /** What `COMMAND --help` prints. */
  function helpText(command: Command): string {
    let out = '';
    command.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
    command.outputHelp();
    return out;
  }

  it("prints each command's examples and exit codes from the data the page is made from", () => {
    const { program: built } = program();
    for (const command of built.commands) {
      const help = helpOf(command);
      expect(help, command.name()).toBeDefined();
      const printed = helpText(command).replace(/\s+/g, ' ');
      expect(printed).toContain((help?.text ?? '').trim().replace(/\s+/g, ' '));
      for (const [code, meaning] of exitCodesOf(command)) {
        expect(printed).toContain(`${code} ${meaning}`.replace(/\s+/g, ' '));
      }
    }
    expect(helpText(built).replace(/\s+/g, ' ')).toContain(`130 ${EXIT_CODES[130]}`);
  });

  it('gives every exit code the CLI uses a meaning', () => {
    expect(Object.keys(EXIT_CODES).map(Number).sort()).toEqual(Object.values(EXIT).sort());
  });
});

describe('docs:check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unitag-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a page that differs from what the code generates, or is missing, and no other', () => {
    const [first, second] = [...pages.keys()];
    const files = new Map(pages);
    expect(stalePages(pages, (path) => files.get(path))).toEqual([]);
    files.set(first as string, `${pages.get(first as string)}\nan edit by hand\n`);
    files.delete(second as string);
    expect(stalePages(pages, (path) => files.get(path))).toEqual([first, second]);
  });

  it('npm run docs writes the pages, and --check exits 1 naming the stale page', () => {
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const run = (...args: string[]) =>
      spawnSync(tsx, [join(root, 'scripts', 'docs.ts'), '--dir', dir, ...args], {
        cwd: root,
        encoding: 'utf8',
      });
    const written = run();
    expect(written.status, written.stderr).toBe(0);
    const fresh = run('--check');
    expect(fresh.status, fresh.stderr).toBe(0);
    const path = join(dir, 'docs', 'reference', 'cli.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('# Command line reference', '# Commands'));
    const check = run('--check');
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('docs/reference/cli.md is stale');
    expect(check.stderr).not.toContain('resources.md');
  }, 60_000);
});
