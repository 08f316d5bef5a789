// Specifies runJob with real processes: rendering, exec without a shell, cat, emptied outputs, and no partial output on failure.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobCmd } from '../config/jobs';
import { planJob } from '../plan/jobs';
import { runJob } from './job';

jest.mock('execa', () => jest.requireActual('./execa.spec-support'));

let ws: string;
beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'nx-go-job-'));
  mkdirSync(join(ws, 'workers/api/src'), { recursive: true });
  mkdirSync(join(ws, 'workers/api/.jobs/version'), { recursive: true });
  writeFileSync(join(ws, 'workers/api/.jobs/version/version.txt'), 'v7');
});
afterEach(() => rmSync(ws, { recursive: true, force: true }));

const plan = (cmds: JobCmd[], outputs: string[] = []) => planJob('workers/api', 'gen', { inputs: [], deps: ['version'], cmds, outputs });
const run = (cmds: JobCmd[], outputs: string[] = [], timeoutMs = 30_000) =>
  runJob(plan(cmds, outputs), {
    workspaceRoot: ws,
    label: 'api: job-gen',
    timeoutMs,
    deps: { version: join(ws, 'workers/api/.jobs/version') },
    verbose: false,
    log: () => undefined,
  });
const out = (f = '') => join(ws, 'workers/api/.jobs/gen', f);

describe('runJob', () => {
  it('cats a rendered template to a rendered path', async () => {
    const r = await run([{ cat: { template: 'package gen\n// from {{index .Deps "version"}}\n', output: '{{.OutputDir}}/gen.go' } }]);
    expect(r).toEqual({ ok: true });
    expect(readFileSync(out('gen.go'), 'utf8')).toBe(`package gen\n// from ${join(ws, 'workers/api/.jobs/version')}\n`);
    expect(readdirSync(out())).toEqual(['gen.go']);
  });

  it('execs argv without a shell, in dir, with env merged over the inherited environment and process.env untouched', async () => {
    mkdirSync(join(ws, 'workers/api/tools'));
    const r = await run([
      {
        exec: ['sh', '-c', 'printf "%s|%s|%s|%s" "$1" "$GEN_VERSION" "$(pwd)" "${HOME:+home}" > "$2"', 'x', '$NOT_EXPANDED *', '{{.OutputDir}}/out.txt'],
        env: { GEN_VERSION: '{{index .Deps "version"}}/version.txt' },
        dir: 'tools',
      },
    ]);
    expect(r).toEqual({ ok: true });
    expect(readFileSync(out('out.txt'), 'utf8')).toBe(`$NOT_EXPANDED *|${join(ws, 'workers/api/.jobs/version/version.txt')}|${join(ws, 'workers/api/tools')}|home`);
    expect(process.env.GEN_VERSION).toBeUndefined();
  });

  it('empties the output directory and the declared outputs before running', async () => {
    mkdirSync(out(), { recursive: true });
    writeFileSync(out('stale.go'), 'old');
    writeFileSync(join(ws, 'workers/api/src/zz_gen.go'), 'old');
    const r = await run([{ exec: ['sh', '-c', 'n=$(ls -A "$0"); printf "%s" "$n" > "$0/listing"; test ! -e "$1"', '{{.OutputDir}}', '{{.SourceDir}}/src/zz_gen.go'], env: {} }], ['src/zz_gen.go']);
    expect(r).toEqual({ ok: true });
    expect(readFileSync(out('listing'), 'utf8')).toBe('');
  });

  it('names the job, the command and the exit status of a failing command, and leaves no output at all', async () => {
    const r = await run(
      [
        { cat: { template: 'partial', output: '{{.OutputDir}}/first.txt' } },
        { cat: { template: 'generated', output: 'src/zz_gen.go' } },
        { exec: ['sh', '-c', 'exit 3'], env: {} },
      ],
      ['src/zz_gen.go'],
    );
    expect(r).toEqual({ ok: false, message: "api: job-gen: cmds[2] (sh -c exit 3) failed (exit code 3)" });
    expect(existsSync(out())).toBe(false);
    expect(existsSync(join(ws, 'workers/api/src/zz_gen.go'))).toBe(false);
  });

  it('reports a program that is not on PATH, naming the command', async () => {
    const r = await run([{ exec: ['nx-go-no-such-program', '--flag'], env: {} }]);
    expect(r).toEqual({ ok: false, message: 'api: job-gen: cmds[0] (nx-go-no-such-program --flag): nx-go-no-such-program was not found on PATH.' });
    expect(existsSync(out())).toBe(false);
  });

  it('stops a job that outlives its timeout and removes what it wrote', async () => {
    const r = await run([{ exec: ['sh', '-c', 'echo x > "$0/a"; sleep 30', '{{.OutputDir}}'], env: {} }], [], 300);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain('timed out');
    expect(existsSync(out())).toBe(false);
  });

  it('refuses a cat that a dep directory would move outside what the job owns', async () => {
    const r = await run([{ cat: { template: 'x', output: '{{index .Deps "version"}}/x' } }]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain("outside the job's output directory and declared outputs");
    expect(existsSync(join(ws, 'workers/api/.jobs/version/x'))).toBe(false);
  });
});
