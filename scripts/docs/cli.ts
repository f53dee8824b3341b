// docs/reference/cli.md: every command, argument, option, default and exit code, from the program the CLI itself
// runs (src/cli/main.ts's buildProgram, as commander holds it) and the help after each command's options
// (src/cli/help.ts). `unitag --help` and `unitag COMMAND --help` print from the same definitions.
import type { Argument, Command, Help, Option } from 'commander';
import { type ExitCode, exitCodesOf, helpOf } from '../../src/cli/help.js';
import { buildProgram } from '../../src/cli/main.js';
import { code, generatedNotice, table } from './markdown.js';

/** The program as the CLI builds it, and commander's help renderer for it. */
export function program(): { program: Command; helper: Help } {
  const built = buildProgram(() => {});
  return { program: built, helper: built.createHelp() };
}

/** The commands `unitag --help` lists, commander's own `help` last. */
export function commandNames(): string[] {
  const { program: built, helper } = program();
  return helper.visibleCommands(built).map((command) => command.name());
}

/** A description as a sentence: its first letter in capitals. */
function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** An option's default as the page writes it: none for an empty list (a repeatable option) or no default. */
function defaultOf(option: Option): string {
  if (option.defaultValueDescription) return option.defaultValueDescription;
  const value: unknown = option.defaultValue;
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return '';
  return code(typeof value === 'string' ? value : JSON.stringify(value));
}

function optionsTable(options: readonly Option[]): string {
  return table(
    ['option', 'default', 'values', 'description'],
    options.map((option) => [
      code(option.flags),
      option.mandatory ? 'required' : defaultOf(option),
      option.argChoices?.map(code).join(', ') ?? '',
      option.description,
    ]),
  );
}

function argumentsTable(args: readonly Argument[]): string {
  return table(
    ['argument', 'required', 'description'],
    args.map((arg) => [
      code(`${arg.name()}${arg.variadic ? '...' : ''}`),
      arg.required ? 'yes' : 'no',
      arg.description,
    ]),
  );
}

function exitCodesTable(codes: [ExitCode, string][]): string {
  return table(
    ['code', 'meaning'],
    codes.map(([exit, meaning]) => [`**${exit}**`, meaning]),
  );
}

/** A command's name after `unitag`: `apply`, or `report merge` for a subcommand. */
function fullName(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/** The commands with a section of their own: each command, then each of its subcommands. */
function sectionCommands(built: Command, helper: Help): Command[] {
  return helper
    .visibleCommands(built)
    .filter((command) => helpOf(command) !== undefined)
    .flatMap((command) => [command, ...sectionCommands(command, helper)]);
}

/** One command's section: what it does, how it is called, its arguments, options, help text and exit codes. */
function commandSection(command: Command, helper: Help): string {
  const lines = [
    `## \`unitag ${fullName(command)}\``,
    '',
    `${sentence(helper.commandDescription(command))}.`,
    '',
    '```text',
    helper.commandUsage(command),
    '```',
    '',
  ];
  if (command.registeredArguments.length > 0) {
    lines.push('Arguments:', '', argumentsTable(command.registeredArguments), '');
  }
  lines.push(
    'Options (and the [global options](#global-options)):',
    '',
    optionsTable(helper.visibleOptions(command)),
    '',
  );
  const help = helpOf(command);
  if (help) lines.push('From its `--help`:', '', '```text', help.text.trim(), '```', '');
  const own = Object.keys(help?.exitCodes ?? {}).map(Number);
  const codes = exitCodesOf(command).filter(([exit]) => own.includes(exit));
  if (codes.length === 0) lines.push('Exit codes: as for [every command](#exit-codes).', '');
  else lines.push('Exit codes: as for [every command](#exit-codes), except:', '', exitCodesTable(codes), '');
  return lines.join('\n');
}

/** The page, before Biome formats it. */
export function renderCli(): string {
  const { program: built, helper } = program();
  const commands = sectionCommands(built, helper);
  const overview = table(
    ['command', 'usage', 'description'],
    helper
      .visibleCommands(built)
      .map((command) => [
        helpOf(command) ? `[${command.name()}](#unitag-${command.name()})` : command.name(),
        code(`unitag ${helper.subcommandTerm(command)}`),
        helper.commandDescription(command),
      ]),
  );
  return [
    generatedNotice(
      "the CLI's own command definitions (`src/cli/main.ts`, `src/cli/common.ts`, `src/cli/help.ts`, `src/cli/commands/*.ts`)",
    ),
    '',
    '# Command line reference',
    '',
    `${helper.commandDescription(built)} \`unitag --help\` and \`unitag COMMAND --help\` print what this page says, from the same definitions.`,
    '',
    '```text',
    helper.commandUsage(built),
    '```',
    '',
    '## Commands',
    '',
    overview,
    '',
    '## Global options',
    '',
    'Every command takes them, before or after its name. The standard AWS environment (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL`, credentials) works too.',
    '',
    optionsTable(helper.visibleOptions(built)),
    '',
    '## Exit codes',
    '',
    'Every command, unless its own section says otherwise:',
    '',
    exitCodesTable(exitCodesOf()),
    '',
    ...commands.map((command) => commandSection(command, helper)),
  ].join('\n');
}
