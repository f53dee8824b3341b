// findPython: the Python 3.12+ the embedded LocalStack is installed with, and, when there is none, a message
// that names exactly what was tried and what each one was.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPython } from '../../src/localstack.js';
import { fakePython, removeTempDirs, tempDir } from '../localstack-fake.js';

afterAll(removeTempDirs);

const saved = { ...process.env };
let dir: string;
beforeEach(() => {
  dir = tempDir();
  process.env.PATH = join(dir, 'bin');
  process.env.PYENV_ROOT = join(dir, 'pyenv');
  delete process.env.LOCALSTACK_PYTHON;
  delete process.env.FAKE_PYTHON_VERSION;
});
afterEach(() => {
  process.env = { ...saved };
});

/** The error findPython throws, as an object. */
function failure(given?: string): Error & { reason?: string } {
  try {
    return new Error(`found ${findPython(given)}`);
  } catch (error) {
    return error as Error & { reason?: string };
  }
}

/** A fake Python at `path` that says it is `version`. */
function fake(path: string, version: string): string {
  const [folder, name] = [join(path, '..'), path.split('/').at(-1) as string];
  process.env.FAKE_PYTHON_VERSION = version;
  return fakePython(folder, name);
}

// Each look runs the fake Pythons it finds (a Node process each): seconds on a loaded machine, so the tests'
// timeout (which only bounds a hang) is raised from the project's 5 s.
describe('findPython', () => {
  it('with nothing set and nothing found, it names each command and folder it tried, and not LOCALSTACK_PYTHON', () => {
    const error = failure();
    expect(error).toMatchObject({ name: 'LocalStackError', reason: 'python-missing' });
    expect(error.message).toMatch(/needs Python 3\.12 or later/);
    expect(error.message).toMatch(
      /tried: python3\.13 \(not on PATH\), python3\.12 \(not on PATH\), python3 \(not on PATH\), .*pyenv\/versions \(no such folder\)/,
    );
    expect(error.message).not.toMatch(/tried[^.]*LOCALSTACK_PYTHON/);
    expect(error.message).toMatch(/set LOCALSTACK_PYTHON to its path/);
  });

  it('names the versions it found too old, on PATH and under pyenv', () => {
    fake(join(dir, 'bin', 'python3'), '3.11');
    const old = join(dir, 'pyenv', 'versions', '3.11.9', 'bin', 'python');
    mkdirSync(join(old, '..'), { recursive: true });
    process.env.FAKE_PYTHON_VERSION = '3.11';
    fakePython(join(old, '..'), 'python');
    // Both fakes answer FAKE_PYTHON_VERSION: the test checks that each is named with what it said.
    const error = failure();
    expect(error.message).toMatch(/python3 \(Python 3\.11\)/);
    expect(error.message).toContain(`${old} (Python 3.11)`);
  });

  it('the python option naming a path that does not exist says so plainly', () => {
    const error = failure('/nonexistent/bin/python3.12');
    expect(error).toMatchObject({ reason: 'python-missing' });
    expect(error.message).toMatch(
      /the python option names \/nonexistent\/bin\/python3\.12, which does not exist/,
    );
  });

  it('LOCALSTACK_PYTHON naming a path that does not exist says so plainly, and nothing else is tried', () => {
    process.env.LOCALSTACK_PYTHON = '/nonexistent/python';
    fake(join(dir, 'bin', 'python3'), '3.12');
    const error = failure();
    expect(error.message).toMatch(/LOCALSTACK_PYTHON names \/nonexistent\/python, which does not exist/);
  });

  it('a command name given that is not on PATH says so', () => {
    expect(failure('python3.99').message).toMatch(
      /the python option names python3\.99, which is not on PATH/,
    );
  });

  it('a Python given that is too old names its version', () => {
    const python = fake(join(dir, 'bin', 'python3.11'), '3.11');
    expect(failure(python).message).toMatch(/the python option names .*python3\.11, which is Python 3\.11/);
  });

  it('returns the first Python 3.12 or later it finds', () => {
    fake(join(dir, 'bin', 'python3'), '3.13');
    expect(findPython()).toBe('python3');
    const given = fake(join(dir, 'other', 'python'), '3.12');
    expect(findPython(given)).toBe(given);
    process.env.LOCALSTACK_PYTHON = given;
    expect(findPython()).toBe(given);
  });
}, 30_000);
