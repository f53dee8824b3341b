// `unitag localstack start|stop|status`: the embedded LocalStack from a shell, through the same code as the
// library's `startLocalStack` and `stopLocalStack` (unitag/localstack), loaded when the command runs.
import type { Command } from 'commander';
import { EXIT, type GlobalOptions, print, UsageError } from '../common.js';
import { type CommandHelp, withHelp } from '../help.js';

/** `unitag localstack`'s help: it only holds subcommands. */
const HELP: CommandHelp = {
  text: `
Commands:
  start    start LocalStack on the port (kept running after this command), or use the one that answers there
  stop     end the LocalStack unitag started on the port, and nothing else
  status   say what runs on the port: endpoint, version, services
Examples:
  $ unitag localstack start --services sqs,sns,s3     (prints the endpoint)
  $ unitag localstack status --output json
  $ unitag localstack stop`,
};

const START_HELP: CommandHelp = {
  text: `
The first start installs localstack-core from PyPI into a virtualenv under the cache directory (minutes, once);
later starts take seconds. It needs Python 3.12 or later (--python, or on PATH, or under ~/.pyenv).`,
  exitCodes: {
    0: 'LocalStack runs on the port with the services asked for (its endpoint on standard output)',
    1: 'it could not be started: the reason, and the end of its log, on standard error',
    2: 'a bad option',
  },
};

const STATUS_HELP: CommandHelp = {
  text: `
Exit status: 0 when a LocalStack answers on the port, 3 when nothing does (as service managers' status
commands say "not running"), 2 for a bad option.`,
};

interface PortOptions {
  port?: string;
  cacheDir?: string;
}

interface StartOptions extends PortOptions {
  services?: string;
  python?: string;
  reuse: boolean;
}

/** `unitag localstack start|stop|status`. */
export function registerLocalStack(program: Command, done: (code: number) => void): void {
  const group = withHelp(program.command('localstack'), HELP).description(
    'run the embedded LocalStack from a shell: start, stop, status',
  );
  const port = (command: Command) =>
    command
      .option('--port <n>', 'the port on 127.0.0.1 (default: LOCALSTACK_PORT, else 4566)')
      .option(
        '--cache-dir <dir>',
        'where the virtualenv and run files live (default: UNITAG_CACHE_DIR, else ~/.cache/unitag)',
      );
  port(withHelp(group.command('start'), START_HELP))
    .description('start LocalStack on the port, kept running, or use the one that answers there')
    .option('--services <list>', 'comma-separated services to have running (default: those unitag tags)')
    .option('--python <path>', 'the Python 3.12+ to install localstack-core with')
    .option('--no-reuse', 'refuse a LocalStack that already answers on the port, instead of using it')
    .action(async (opts: StartOptions) => done(await start(opts)));
  port(group.command('stop'))
    .description('end the LocalStack unitag started on the port, and nothing else')
    .action(async (opts: PortOptions) => done(await stop(opts)));
  port(withHelp(group.command('status'), STATUS_HELP))
    .description('say what runs on the port: endpoint, version, services')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (opts: PortOptions & { output: string }, command: Command) =>
      done(await status(opts, command.optsWithGlobals<GlobalOptions>())),
    );
}

/** `--port`, as a number from 0 (a free one) to 65535; a usage error before anything starts. */
function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) throw new UsageError(`--port "${value}": give a port from 0 to 65535`);
  return port;
}

async function start(opts: StartOptions): Promise<number> {
  const { startLocalStack } = await import('../../localstack.js');
  const services = opts.services?.split(',').map((name) => name.trim());
  if (services?.some((name) => name === '')) {
    throw new UsageError(`--services "${opts.services}": write them as sqs,sns,s3`);
  }
  const running = await startLocalStack({
    keep: true,
    port: portOf(opts.port),
    cacheDir: opts.cacheDir,
    python: opts.python,
    reuse: opts.reuse,
    ...(services ? { services } : {}),
    log: (line) => process.stderr.write(`[localstack] ${line}\n`),
  });
  if (!running.started)
    process.stderr.write(`[localstack] using the LocalStack already at ${running.endpoint}\n`);
  print(running.endpoint);
  return EXIT.ok;
}

async function stop(opts: PortOptions): Promise<number> {
  const { stopLocalStack } = await import('../../localstack.js');
  const stopped = await stopLocalStack({ port: portOf(opts.port), cacheDir: opts.cacheDir });
  process.stderr.write(
    `[localstack] ${stopped ? 'stopped' : 'no LocalStack that unitag started runs on the port: nothing stopped'}\n`,
  );
  return EXIT.ok;
}

/** Exit 3 when nothing answers on the port, as `status` commands of service managers do. */
const NOT_RUNNING = 3;

async function status(opts: PortOptions & { output: string }, global: GlobalOptions): Promise<number> {
  if (opts.output !== 'text' && opts.output !== 'json') {
    throw new UsageError(`--output "${opts.output}": text or json`);
  }
  const { health } = await import('../../localstack.js');
  const port = portOf(opts.port) ?? Number(process.env.LOCALSTACK_PORT || 4566);
  const endpoint = `http://127.0.0.1:${port}`;
  const found = await health(endpoint);
  const running = Object.entries(found?.services ?? {})
    .filter(([, state]) => state === 'running' || state === 'available')
    .map(([name, state]) => `${name} (${state})`);
  if (opts.output === 'json' || global.query !== undefined) {
    const { printJson } = await import('../output.js');
    printJson(
      { endpoint, running: found !== undefined, version: found?.version, services: found?.services ?? {} },
      global,
    );
  } else if (found) {
    print(`LocalStack ${found.version ?? '(version not said)'} at ${endpoint}`);
    print(`services running or available: ${running.join(', ') || 'none yet'}`);
  } else print(`nothing answers at ${endpoint}`);
  return found ? EXIT.ok : NOT_RUNNING;
}
