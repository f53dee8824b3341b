// The bin prints `--help` from generated pages (src/cli/help-pages.ts) without loading the commands: each page,
// laid out at any width, must be exactly what commander prints for the program the CLI builds.
import type { Command } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { helpPageFor, renderHelp } from '../../src/cli/help-page.js';
import { HELP_PAGES } from '../../src/cli/help-pages.js';
import { buildProgram } from '../../src/cli/main.js';

/** Every command of the program, by its path (`''`, `tag`, `report merge`). */
function commands(): Map<string, Command> {
  const found = new Map<string, Command>();
  const visit = (command: Command, path: string[]) => {
    found.set(path.join(' '), command);
    for (const sub of command.commands) visit(sub, [...path, sub.name()]);
  };
  visit(
    buildProgram(() => {}),
    [],
  );
  return found;
}

/** What commander prints for `command --help` on a stream `width` columns wide (undefined: not a terminal). */
function commanderHelp(command: Command, width: number | undefined): string {
  let out = '';
  command.configureOutput({
    writeOut: (text) => {
      out += text;
    },
    // Not a terminal: commander's own answer is undefined, which its type leaves out.
    getOutHelpWidth: () => width as number,
    getOutHasColors: () => false,
  });
  command.outputHelp();
  return out;
}

const WIDTHS = [undefined, 0, 20, 39, 40, 41, 60, 79, 80, 100, 132, 200];

describe('help pages', () => {
  const program = commands();

  it('hold a page for every command and none other', () => {
    expect(Object.keys(HELP_PAGES).sort()).toEqual([...program.keys()].sort());
  });

  it("print each command's help as commander does, at every width", () => {
    for (const [path, command] of program) {
      const page = HELP_PAGES[path];
      if (page === undefined) throw new Error(`no page for "${path}"`);
      for (const width of WIDTHS) {
        expect(renderHelp(page, width), `"${path}" at ${width}`).toBe(commanderHelp(command, width));
      }
    }
  });

  it('print as commander does at any width (property)', () => {
    const paths = [...program.keys()];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.integer({ min: 0, max: 400 }), (path, width) => {
        const page = HELP_PAGES[path];
        return (
          page !== undefined && renderHelp(page, width) === commanderHelp(program.get(path) as Command, width)
        );
      }),
      { numRuns: 300 },
    );
  });

  it('answer only the plain forms of asking for help; anything else is left to the program', () => {
    expect(helpPageFor(['--help'], HELP_PAGES)).toBe(HELP_PAGES['']);
    expect(helpPageFor(['-h'], HELP_PAGES)).toBe(HELP_PAGES['']);
    expect(helpPageFor(['tag', '--help'], HELP_PAGES)).toBe(HELP_PAGES.tag);
    expect(helpPageFor(['report', 'merge', '-h'], HELP_PAGES)).toBe(HELP_PAGES['report merge']);
    for (const args of [
      [],
      ['help'],
      ['--help', 'tag'],
      ['--region', 'us-east-1', '--help'],
      ['tag', 'arn:aws:sns:us-east-1:123456789012:t', '--help'],
      ['tag', '--dry-run', '--help'],
      ['nosuch', '--help'],
      ['constructor', '--help'],
      ['__proto__', '--help'],
      ['toString', '-h'],
      ['tag ', '--help'],
      ['', '--help'],
      ['tag', '', '-h'],
    ]) {
      expect(helpPageFor(args, HELP_PAGES), JSON.stringify(args)).toBeUndefined();
    }
  });
});
