// The layout's promise, checked on the source: imports run one way between the subsystems (each folder's entry
// module says what it may import; docs/development.md, Layout), and no module reaches itself through its imports.
// Type-only imports count: a type that points the wrong way is a dependency all the same.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Each subsystem and the subsystems it may import (itself always). */
const MAY_IMPORT: Record<string, string[]> = {
  adapters: ['core'],
  core: ['adapters'],
  iac: ['core'],
  jobs: ['core', 'iac'],
  governance: ['core', 'jobs'],
  library: ['core', 'jobs', 'governance', 'adapters', 'iac'],
  localstack: ['core'],
  testing: ['core', 'jobs', 'library'],
  cli: ['core', 'jobs', 'governance', 'library', 'localstack', 'iac'],
};

/** The subsystem a file belongs to, from its path. */
function subsystemOf(file: string): string {
  const path = relative(root, file);
  if (path.startsWith('adapters/')) return 'adapters';
  const [, folder, rest] = /^src\/([^/.]+)(\/|\.ts$)?/.exec(path) ?? [];
  if (folder === undefined) throw new Error(`${path} is outside src/ and adapters/`);
  if (rest === '/' || folder === 'cli' || folder === 'localstack' || folder === 'testing') return folder;
  return 'library'; // src/index.ts, src/tagger.ts, src/version.ts: the package's entry and its facade
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => join(root, dir, name));
}

// `from '…'` (imports and re-exports, type-only or not) and `import('…')` (dynamic, or in a type).
const SPECIFIER = /\bfrom\s+'(\.{1,2}\/[^']+)'|\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;

/** The project's modules each file imports, as absolute .ts paths. */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (!specifier.endsWith('.js')) continue; // package.json and other data
      targets.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Every cycle's modules (strongly connected components of more than one module, or a module importing itself). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

const files = [...sources('src'), ...sources('adapters')];
const graph = importGraph(files);
const name = (file: string) => relative(root, file);

describe('the source layout', () => {
  it('reads every import of the tree (the walk itself is checked)', () => {
    const edges = [...graph.values()].flat();
    expect(files.length).toBeGreaterThan(60);
    expect(edges.length).toBeGreaterThan(300);
    // Every import resolves to a file of the tree: a specifier the walk misread would show here.
    const known = new Set(files);
    expect(edges.filter((target) => !known.has(target)).map(name)).toEqual([]);
  });

  it('imports only in the allowed direction between subsystems', () => {
    const against: string[] = [];
    for (const [file, targets] of graph) {
      const from = subsystemOf(file);
      for (const target of targets) {
        const to = subsystemOf(target);
        if (to !== from && !MAY_IMPORT[from]?.includes(to)) against.push(`${name(file)} -> ${name(target)}`);
      }
    }
    expect(against).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cyclesOf(graph).map((cycle) => cycle.map(name))).toEqual([]);
  });

  it('keeps src/ to a few entry modules, and every file and function short', () => {
    const top = readdirSync(join(root, 'src')).filter((entry) => entry.endsWith('.ts'));
    expect(top.length).toBeLessThanOrEqual(12);
    // A generated data module (src/cli/help-pages.ts, from `npm run docs`) is as long as what it holds.
    const written = files.filter(
      (file) => !readFileSync(file, 'utf8').startsWith('// Generated by `npm run docs`'),
    );
    expect(written.length).toBeGreaterThan(files.length - 3);
    const long = written
      .map((file) => [name(file), readFileSync(file, 'utf8').trimEnd().split('\n').length] as const)
      .filter(([, lines]) => lines > 400);
    expect(long).toEqual([]);
  });

  it('keeps every function to 60 lines', () => {
    const long = files.flatMap((file) => longFunctions(name(file), readFileSync(file, 'utf8'), 60));
    expect(long).toEqual([]);
  }, 60_000); // parses every file of src/: seconds, more on a loaded machine
});

/** Functions (declarations, methods, arrows, accessors) longer than `limit` lines, as `file:line name (lines)`. */
function longFunctions(file: string, text: string, limit: number): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const lines = source.getLineAndCharacterOfPosition(node.end).line - first + 1;
      const label = node.name?.getText(source) ?? ts.SyntaxKind[node.kind];
      if (lines > limit) found.push(`${file}:${first + 1} ${label} (${lines})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the walk finds what it is meant to find', () => {
  it('finds a cycle of two and of one, and none in a chain', () => {
    const graphOf = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(cyclesOf(graphOf({ a: ['b'], b: ['a'], c: ['a'] }))).toEqual([['a', 'b']]);
    expect(cyclesOf(graphOf({ a: ['a'] }))).toEqual([['a']]);
    expect(cyclesOf(graphOf({ a: ['b'], b: ['c'], c: [] }))).toEqual([]);
  });

  it('measures functions of every kind', () => {
    const body = Array.from({ length: 61 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `function f() {\n${body}\n}\nconst g = () => {\n${body}\n};\nclass C {\n  m() {\n${body}\n  }\n}\nfunction short() {}\n`;
    expect(longFunctions('x.ts', text, 60)).toEqual([
      'x.ts:1 f (63)',
      'x.ts:64 ArrowFunction (63)',
      'x.ts:128 m (63)',
    ]);
  });

  it('names each subsystem from the path', () => {
    expect(subsystemOf(join(root, 'adapters/sns.ts'))).toBe('adapters');
    expect(subsystemOf(join(root, 'src/core/engine.ts'))).toBe('core');
    expect(subsystemOf(join(root, 'src/cli.ts'))).toBe('cli');
    expect(subsystemOf(join(root, 'src/cli/commands/tag.ts'))).toBe('cli');
    expect(subsystemOf(join(root, 'src/localstack.ts'))).toBe('localstack');
    expect(subsystemOf(join(root, 'src/tagger.ts'))).toBe('library');
  });
});
