import {
  type Command,
  clientOptions,
  collect,
  EXIT,
  type GlobalOptions,
  Option,
  requireCredentials,
  UsageError,
} from '../common.js';
import { type CommandHelp, withHelp } from '../help.js';
import { checkReplaceable, replaceFile } from '../replace-file.js';

/** The help after the options (with its exit codes): `--help` prints it, docs/reference/cli.md shows it. */
const HELP: CommandHelp = {
  text: `
Examples:
  $ unitag accounts --from-organizations --role-name OrganizationAccountAccessRole --output-file accounts.yml
  $ unitag accounts --from-organizations --ou ou-ab12-cdefgh34 --active --output json
Writes the accounts file that --accounts and c7n-org read (accounts: account_id, name, email, org_id, role,
tags) from AWS Organizations, with credentials of its management account or of a delegated administrator:
ListAccounts, or with --ou the accounts of each OU (or root) and of the OUs nested in it. Each account's tags
are its Organizations tags as "Key:Value", after its place in the tree as "path:/Prod", "path:/Prod/Web" (with
--ou). --role-name NAME is written as every account's role. Accounts that are not ACTIVE are written too,
unless --active.`,
  exitCodes: {
    0: 'the accounts file was written',
    1: 'AWS Organizations refused (AccessDenied outside its management account and delegated administrators) or failed, or standard output could not be written; nothing was written',
    2: 'bad usage, found before any AWS call: no --from-organizations, an --ou that is not an OU or root id, a --role-name that is not a role name, an --output-file that cannot be written, no credentials',
  },
};

/** The options of `unitag accounts`. */
export interface AccountsOptions {
  fromOrganizations?: boolean | undefined;
  ou: string[];
  roleName?: string | undefined;
  active?: boolean | undefined;
  outputFile?: string | undefined;
  output?: 'yaml' | 'json' | undefined;
}

/** `^(r-...|ou-...-...)$`: the ids ListAccountsForParent takes as its ParentId (AWS's API reference). */
const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
/** An IAM role name (letters, digits and `+=,.@_-`, at most 64), after an optional path (`team/`). */
const ROLE_NAME = /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** `unitag accounts --from-organizations [--ou ID]... [--role-name NAME] [--active] [--output-file FILE]`. */
export function registerAccounts(program: Command, done: (code: number) => void): void {
  const command = withHelp(program.command('accounts'), HELP)
    .description('write an accounts file (c7n-org format) from AWS Organizations')
    .option('--from-organizations', "read the organization's accounts from AWS Organizations (required)")
    .option(
      '--ou <id>',
      'only the accounts of this OU (ou-...) or root (r-...) and of the OUs nested in it, tagged with their path (repeatable); default: every account',
      collect,
      [],
    )
    .option('--active', 'only the accounts whose State is ACTIVE')
    .option('--output-file <file>', 'write the file here (default: standard output)')
    .addOption(
      new Option(
        '-o, --output <format>',
        'file format (default: json when --output-file ends in .json, else yaml)',
      ).choices(['yaml', 'json']),
    )
    .action(async (opts: AccountsOptions, self: Command) => {
      const global = self.optsWithGlobals<GlobalOptions & AccountsOptions>();
      done(await writeAccounts({ ...opts, roleName: global.roleName }, global));
    });
  // Where the program takes --role-name for every command (the role to assume in each account), that one names
  // the role written: commander gives a program option precedence over a command's option of the same name.
  if (!program.options.some((option) => option.long === '--role-name')) {
    command.option('--role-name <name>', 'the role to assume in every account, written as its role');
  }
}

/**
 * Reads the organization and writes the accounts file, after checking every argument (bad usage, exit 2, before
 * any AWS call); returns the exit code. AWS's errors are thrown as `UnitagError`s.
 */
export async function writeAccounts(opts: AccountsOptions, global: GlobalOptions): Promise<number> {
  const format = checkArguments(opts, global);
  await requireCredentials(global);
  const { accountsFileText, readOrganization } = await import('../../jobs/organization.js');
  const accounts = await readOrganization(clientOptions(global), {
    parents: opts.ou,
    roleName: opts.roleName,
    activeOnly: opts.active,
  });
  const text = await accountsFileText(accounts, format);
  if (opts.outputFile === undefined) process.stdout.write(text);
  else replaceFile(opts.outputFile, text, '--output-file');
  const where = opts.outputFile === undefined ? 'standard output' : opts.outputFile;
  process.stderr.write(`unitag: wrote ${accounts.length} account(s) to ${where}\n`);
  return EXIT.ok;
}

/** Checks the arguments and returns the file format; bad usage throws a `UsageError`. */
function checkArguments(opts: AccountsOptions, global: GlobalOptions): 'yaml' | 'json' {
  if (!opts.fromOrganizations) {
    throw new UsageError(
      'accounts needs its source: give --from-organizations (with credentials of the management account)',
    );
  }
  const bad = opts.ou.find((id) => !PARENT_ID.test(id));
  if (bad !== undefined) {
    throw new UsageError(`--ou "${bad}" is not an OU id (ou-ab12-cdefgh34) nor a root id (r-ab12)`);
  }
  if (opts.roleName !== undefined && !ROLE_NAME.test(opts.roleName)) {
    throw new UsageError(
      `--role-name "${opts.roleName}" is not an IAM role name (letters, digits and +=,.@_-, at most 64)`,
    );
  }
  if (global.query !== undefined) {
    throw new UsageError('--query does not apply to accounts: it writes an accounts file, not JSON output');
  }
  if (opts.outputFile !== undefined) checkReplaceable(opts.outputFile, '--output-file');
  return opts.output ?? (opts.outputFile?.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
}
