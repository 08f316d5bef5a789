// Specifies runBuildJob's handling of the output file: the last good binary kept, validation before the rename, no leftovers.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildJob } from '../plan/build';
import { runBuildJob } from './build-job';

jest.mock('execa', () => jest.requireActual('./execa.spec-support'));

const OUTPUT = 'workers/auth/dist/auth';
let ws: string;
let log: jest.Mock;

beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'nx-go-build-job-'));
  mkdirSync(join(ws, 'workers/auth/dist'), { recursive: true });
  log = jest.fn();
});
afterEach(() => rmSync(ws, { recursive: true, force: true }));

const job = (shell: string, over: Partial<BuildJob> = {}): BuildJob => ({ cwd: 'workers/auth', shell, env: {}, output: OUTPUT, stamp: false, validate: false, ...over });
const run = (j: BuildJob) => runBuildJob(j, { workspaceRoot: ws, label: 'auth: build-prod', timeoutMs: 30_000, verbose: false, log });
/** A shell line that writes an executable script, standing in for a binary, to the temp output. */
const writesBinary = (body: string) => `printf '#!/bin/sh\\n${body}\\n' > {{.Output}} && chmod +x {{.Output}}`;
const distFiles = () => readdirSync(join(ws, 'workers/auth/dist'));

describe('runBuildJob', () => {
  it('fails a command that writes nothing, rather than passing the previous binary off as its own, and keeps that binary', async () => {
    writeFileSync(join(ws, OUTPUT), 'the previous build');
    expect(await run(job('echo pretending to build'))).toEqual({ ok: false, message: `auth: build-prod: the build succeeded but wrote no ${OUTPUT}` });
    expect(distFiles()).toEqual(['auth']);
    expect(readFileSync(join(ws, OUTPUT), 'utf8')).toBe('the previous build');
  });

  it('fails a command that writes nothing when there is no previous binary either', async () => {
    expect(await run(job('true'))).toEqual({ ok: false, message: `auth: build-prod: the build succeeded but wrote no ${OUTPUT}` });
    expect(distFiles()).toEqual([]);
  });

  it('leaves the previous binary in place when the build fails', async () => {
    writeFileSync(join(ws, OUTPUT), 'the previous build');
    const result = await run(job('echo half > {{.Output}}; exit 2'));
    expect(result.ok).toBe(false);
    expect(distFiles()).toEqual(['auth']);
    expect(readFileSync(join(ws, OUTPUT), 'utf8')).toBe('the previous build');
  });

  it('removes what a failing command wrote to the output itself: no half-written binary', async () => {
    writeFileSync(join(ws, OUTPUT), 'the previous build');
    const result = await run(job('echo half > dist/auth; exit 2'));
    expect(result.ok).toBe(false);
    expect(distFiles()).toEqual([]);
  });

  it('never takes a temp file left by a crashed run for this build\'s output', async () => {
    writeFileSync(join(ws, OUTPUT), 'the previous build');
    writeFileSync(join(ws, 'workers/auth/dist', `.auth.${process.pid}.tmp`), 'left by a crash');
    expect(await run(job('true'))).toEqual({ ok: false, message: `auth: build-prod: the build succeeded but wrote no ${OUTPUT}` });
    expect(distFiles()).toEqual(['auth']);
    expect(readFileSync(join(ws, OUTPUT), 'utf8')).toBe('the previous build');
  });

  it('renames a go build\'s temp file over the previous binary, and keeps that binary when go build fails or writes nothing', async () => {
    writeFileSync(join(ws, OUTPUT), 'the previous build');
    const exec = (script: string) => job('', { shell: undefined, exec: ['sh', '-c', script, 'go-build', '{{.Output}}'] });
    expect((await run(exec('echo half > "$1"; exit 1'))).ok).toBe(false);
    expect(distFiles()).toEqual(['auth']);
    expect(readFileSync(join(ws, OUTPUT), 'utf8')).toBe('the previous build');
    // Only the temp file counts for a planned go build, even if something rewrote the output meanwhile.
    expect(await run(exec('echo other > dist/auth'))).toEqual({ ok: false, message: `auth: build-prod: the build succeeded but wrote no ${OUTPUT}` });
    expect(await run(exec('echo new > "$1"'))).toEqual({ ok: true });
    expect(distFiles()).toEqual(['auth']);
    expect(readFileSync(join(ws, OUTPUT), 'utf8')).toBe('new\n');
  });

  it('takes a refreshed mtime for a write, as go build -o does to a binary it finds up to date: contents are not compared', async () => {
    writeFileSync(join(ws, OUTPUT), 'up to date');
    utimesSync(join(ws, OUTPUT), new Date(2026, 0, 1), new Date(2026, 0, 1));
    expect(await run(job('touch dist/auth'))).toEqual({ ok: true });
    expect(readFileSync(join(ws, OUTPUT), 'utf8')).toBe('up to date');
  });

  it('accepts a command that writes the output itself instead of {{.Output}}', async () => {
    writeFileSync(join(ws, OUTPUT), 'the previous build');
    expect(await run(job('echo fresh > dist/auth'))).toEqual({ ok: true });
    expect(readFileSync(join(ws, OUTPUT), 'utf8')).toBe('fresh\n');
  });

  it('validates an unstamped binary: exit 0 on --version is enough', async () => {
    expect(await run(job(writesBinary('echo no version here'), { validate: true }))).toEqual({ ok: true });
    expect(distFiles()).toEqual(['auth']);
    expect(log).toHaveBeenCalledWith('auth: build-prod: validated auth --version');
  });

  it('never puts a binary that fails validation at the output path, and leaves no temp file', async () => {
    writeFileSync(join(ws, OUTPUT), 'the previous build');
    const result = await run(job(writesBinary('exit 3'), { validate: true }));
    expect(result).toEqual({
      ok: false,
      message: 'auth: build-prod: auth --version failed (exit code 3); the binary must exit 0 on --version (set build.validate: false to skip)',
    });
    expect(distFiles()).toEqual(['auth']);
    expect(readFileSync(join(ws, OUTPUT), 'utf8')).toBe('the previous build');
  });

  it('removes a binary that a command wrote to the output itself when it fails validation', async () => {
    writeFileSync(join(ws, OUTPUT), 'the previous build');
    const result = await run(job(`printf '#!/bin/sh\\nexit 3\\n' > dist/auth && chmod +x dist/auth`, { validate: true }));
    expect(result.ok).toBe(false);
    expect(distFiles()).toEqual([]);
  });

  it('does not run a binary that is not to be validated', async () => {
    expect(await run(job(writesBinary('exit 3')))).toEqual({ ok: true });
    expect(existsSync(join(ws, OUTPUT))).toBe(true);
    expect(log).not.toHaveBeenCalled();
  });
});
