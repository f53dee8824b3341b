// The package ships dist/ only, not src/: a source map that names ../src/*.ts without carrying their text sends
// a stack trace (node --enable-source-maps) or a debugger to files the installed package does not have. The
// build's own compiler options, applied to one source file, must give a map that carries the source it maps.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

/** The compiler options `npm run build` uses (tsconfig.build.json, with what it extends). */
function buildOptions(): ts.CompilerOptions {
  const file = `${root}tsconfig.build.json`;
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, file).options;
}

describe("the build's source maps", () => {
  it('carry the TypeScript source they map (inlineSources), so a trace from the packed package can be read', () => {
    // Prepare
    const options = buildOptions();
    const fileName = `${root}src/core/retry.ts`;
    const source = readFileSync(fileName, 'utf8');
    // Act
    const out = ts.transpileModule(source, { compilerOptions: options, fileName });
    // Assess
    expect(options.sourceMap).toBe(true);
    expect(options.inlineSources).toBe(true);
    const map = JSON.parse(out.sourceMapText ?? '{}') as { sources?: string[]; sourcesContent?: string[] };
    expect(map.sources).toHaveLength(1);
    expect(map.sourcesContent).toEqual([source]);
  });
});
