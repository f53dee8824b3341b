// What the CLI's help says after the options (examples, notes, exit codes), held as data: `--help` prints it, and
// `npm run docs` writes docs/reference/cli.md from the same values and from the commands' options as commander
// holds them (flags, defaults, choices), so the page says what the help says.
import type { Command, EXIT } from './common.js';

/** An exit code the CLI uses. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means, for every command unless its help says otherwise. */
export const EXIT_CODES: Readonly<Record<ExitCode, string>> = {
  0: 'every resource succeeded',
  1:
    'some resources failed (each named on standard error with its error code), or standard output could not be ' +
    'written (a full disk, a file-size limit; a reader that closes a pipe early is not an error)',
  2:
    'bad usage, bad input or a configuration that cannot work (an unknown flag, an ARN that does not parse, a bad ' +
    'job line, no credentials, no region), found before any write; the valid part of the input still runs',
  130: 'interrupted (Ctrl-C or SIGTERM)',
};

/** A command's help after its options. */
export interface CommandHelp {
  /** Examples and notes, as printed. */
  readonly text: string;
  /** The exit codes this command says in its own words; the others mean what {@link EXIT_CODES} says. */
  readonly exitCodes?: Partial<Record<ExitCode, string>>;
}

const HELP = new WeakMap<Command, CommandHelp>();

/** Prints `help` and the command's exit codes after its options in `--help`, and keeps them for the reference. */
export function withHelp(command: Command, help: CommandHelp): Command {
  HELP.set(command, help);
  return command.addHelpText('after', `${help.text}\n\n${exitCodesText(exitCodesOf(command))}`);
}

/** What `withHelp` gave the command, if anything. */
export function helpOf(command: Command): CommandHelp | undefined {
  return HELP.get(command);
}

/** Every exit code with its meaning for the command: its own words where it has them, else the general ones. */
export function exitCodesOf(command?: Command): [ExitCode, string][] {
  const own = (command && HELP.get(command)?.exitCodes) ?? {};
  return (Object.keys(EXIT_CODES).map(Number) as ExitCode[]).map((code) => [
    code,
    own[code] ?? EXIT_CODES[code],
  ]);
}

/** The exit codes as the help prints them: a line each, wrapped at 100 columns under its meaning. */
export function exitCodesText(codes: [ExitCode, string][]): string {
  const lines = ['Exit codes:'];
  for (const [code, meaning] of codes) {
    let line = `  ${String(code).padEnd(5)}`;
    let empty = true;
    for (const word of meaning.split(' ')) {
      if (!empty && line.length + word.length + 1 > 100) {
        lines.push(line);
        line = ' '.repeat(7);
        empty = true;
      }
      line += empty ? word : ` ${word}`;
      empty = false;
    }
    lines.push(line);
  }
  return lines.join('\n');
}
