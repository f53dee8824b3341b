// `unitag plan` and `apply --arn-column NAME` on LocalStack: a console export (a CSV listing resources, its ARN
// column named Identifier, other columns left alone, a quoted cell over two lines) read as a job that makes the
// change --action/--key/--value to every resource; a bad ARN cell named by the export's own line; usage mistakes
// refused with exit 2 before any call; and a plain job command on an export says how to read it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createQueue } from '../../fixtures/aws-resources.js';
import { awsConfig, localTagger, uniqueName, unitagOnLocalStack } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'unitag-arn-column-'));
const unitag = unitagOnLocalStack;

/** Two queues, listed as the Tag Editor's export lists them (with a Tags cell that holds a line break). */
async function exported() {
  const name = uniqueName('export');
  const [a, b] = await Promise.all([
    createQueue(awsConfig(), `${name}-a`),
    createQueue(awsConfig(), `${name}-b`),
  ]);
  const tagger = localTagger();
  await tagger.tag(a, { CostCenter: 'CC-1' });
  const file = join(dir, `${name}.csv`);
  writeFileSync(
    file,
    'Identifier,Service,Type,Region,Tags\n' +
      `${a},SQS,Queue,us-east-1,"CostCenter: CC-1\nowner: x"\n` +
      '\n' +
      `${b},SQS,Queue,us-east-1,\n`,
  );
  return { tagger, a, b, file };
}

describe('a list of resources read as a job (built CLI, LocalStack)', () => {
  it('plan and apply --arn-column Identifier --key --value: every listed resource changed, other columns ignored', async () => {
    const { tagger, a, b, file } = await exported();
    const change = ['--arn-column', 'Identifier', '--key', 'cost-center', '--value', 'cc-7'];
    const plan = await unitag(['plan', file, ...change, '-o', 'json']);
    expect(plan.code).toBe(0);
    const json = JSON.parse(plan.stdout);
    expect(json.totals).toMatchObject({ total: 2, change: 2 });
    expect(json.resources.map((r: { arn: string }) => r.arn).sort()).toEqual([a, b].sort());

    const apply = await unitag(['apply', file, ...change]);
    expect(apply.code).toBe(0);
    expect(await tagger.list(a)).toEqual({ CostCenter: 'CC-1', 'cost-center': 'cc-7' });
    expect(await tagger.list(b)).toEqual({ 'cost-center': 'cc-7' });
    // --action rename, and the column named in another case.
    const rename = [
      '--arn-column',
      'identifier',
      '--action',
      'rename',
      '--key',
      'CostCenter',
      '--value',
      'cc',
    ];
    expect((await unitag(['apply', file, ...rename])).code).toBe(0);
    expect(await tagger.list(a)).toEqual({ cc: 'CC-1', 'cost-center': 'cc-7' });
    await tagger.destroy();
  });

  it("a cell that is no ARN fails its own line, named by the export's line number; the others are planned", async () => {
    const name = uniqueName('export-bad');
    const queue = await createQueue(awsConfig(), name);
    const file = join(dir, `${name}.csv`);
    writeFileSync(file, `ARN,Notes\n${queue},"two\nlines"\nnot-an-arn,x\n`);
    const plan = await unitag([
      'plan',
      file,
      '--arn-column',
      'ARN',
      '--key',
      'k',
      '--value',
      'v',
      '-o',
      'json',
    ]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain(`${file}:4:`);
    expect(JSON.parse(plan.stdout).totals).toMatchObject({ total: 1, change: 1 });
  });

  it('usage mistakes: exit 2, said, nothing written', async () => {
    const { file, a, tagger } = await exported();
    const cases: [string[], string][] = [
      [['--arn-column', 'Arn', '--key', 'k', '--value', 'v'], 'no such column; its columns: "Identifier"'],
      [['--key', 'k', '--value', 'v'], 'give --arn-column NAME too'],
      [['--arn-column', 'Identifier', '--value', 'v'], '--key'],
      [['--arn-column', 'Identifier', '--key', 'k'], 'needs --value'],
      [['--arn-column', 'Identifier', '--key', 'k', '--value', 'v', '--format', 'json'], 'not --format json'],
    ];
    for (const [args, said] of cases) {
      const run = await unitag(['apply', file, ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(said);
    }
    expect(await tagger.list(a)).toEqual({ CostCenter: 'CC-1' });
    // Without --arn-column, the export is a job without its columns: the message says how to read it.
    const plain = await unitag(['plan', file]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('looks like a list of resources (column "Identifier")');
    expect(plain.stderr).toContain('--arn-column "Identifier"');
    await tagger.destroy();
  });
});
