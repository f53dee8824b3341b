// The Python 3.12+ the embedded LocalStack's virtualenv is built with: the one named (the python option or
// LOCALSTACK_PYTHON, which must be one), else the first found on PATH or under pyenv. When there is none the
// error names each one tried and what it was.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LocalStackError } from '../core/errors.js';

const COMMANDS = ['python3.13', 'python3.12', 'python3'];
const ADVICE =
  'Install Python 3.12 or later and set LOCALSTACK_PYTHON to its path, or start LocalStack yourself ' +
  '(Docker: docker run -p 127.0.0.1:4566:4566 localstack/localstack) and set LOCALSTACK_ENDPOINT.';

/**
 * A Python 3.12 or later: `given` (which must be one), else `LOCALSTACK_PYTHON` (likewise), else the first of
 * python3.13, python3.12, python3 on PATH and the versions under pyenv (`$PYENV_ROOT/versions`, newest first).
 * Throws `LocalStackError` (`python-missing`) naming what it tried and what each one was.
 */
export function findPython(given?: string): string {
  if (given !== undefined) return named(given, 'the python option');
  const fromEnv = process.env.LOCALSTACK_PYTHON;
  if (fromEnv) return named(fromEnv, 'LOCALSTACK_PYTHON');
  const tried: string[] = [];
  for (const python of COMMANDS) {
    const found = probe(python);
    if (found.ok) return python;
    tried.push(`${python} (${found.said})`);
  }
  const pyenv = join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'versions');
  const versions = existsSync(pyenv) ? readdirSync(pyenv).sort().reverse() : [];
  if (versions.length === 0) tried.push(`${pyenv} (${existsSync(pyenv) ? 'empty' : 'no such folder'})`);
  for (const version of versions) {
    const python = join(pyenv, version, 'bin', 'python');
    const found = probe(python);
    if (found.ok) return python;
    tried.push(`${python} (${found.said})`);
  }
  throw new LocalStackError(
    `the embedded LocalStack (localstack-core) needs Python 3.12 or later, and none was found; tried: ${tried.join(', ')}. ${ADVICE}`,
    { reason: 'python-missing' },
  );
}

/** The Python named by the option or LOCALSTACK_PYTHON: it must be a 3.12 or later; nothing else is tried. */
function named(python: string, source: string): string {
  const found = probe(python);
  if (found.ok) return python;
  const why = found.version ? '; the embedded LocalStack (localstack-core) needs 3.12 or later' : '';
  throw new LocalStackError(`${source} names ${python}, which ${found.which}${why}. ${ADVICE}`, {
    reason: 'python-missing',
  });
}

interface Probe {
  ok: boolean;
  /** What it is, in a list of those tried: `Python 3.11`, `not on PATH`, `does not exist`, `could not run: ...`. */
  said: string;
  /** The same after "which": `is Python 3.11`, `is not on PATH`, `does not exist`, `could not run: ...`. */
  which: string;
  version?: string;
}

function probe(python: string): Probe {
  const result = spawnSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  const code = (result.error as NodeJS.ErrnoException | undefined)?.code;
  const isPath = python.includes('/');
  if (code === 'ENOENT' && isPath) return { ok: false, said: 'does not exist', which: 'does not exist' };
  if (code === 'ENOENT') return { ok: false, said: 'not on PATH', which: 'is not on PATH' };
  if (code === 'EACCES') return { ok: false, said: 'not executable', which: 'is not executable' };
  if (result.error || result.status !== 0) {
    const detail =
      result.error?.message ?? (result.stderr.trim().split('\n').at(-1) || `exit ${result.status}`);
    return { ok: false, said: `could not run: ${detail}`, which: `could not run: ${detail}` };
  }
  const version = result.stdout.trim();
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > 3 || (major === 3 && minor >= 12);
  return { ok, said: `Python ${version}`, which: `is Python ${version}`, version };
}
