// Specifies runStep's timers and the watcher that kills a step whose executor died, with real sh processes.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStep, startWatcher, WATCHER_SCRIPT, watcherPath } from './process';

jest.mock('execa', () => jest.requireActual('./execa.spec-support'));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nx-go-process-'));
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Polls for up to 10 s; only an upper bound, so a slow machine passes. */
async function eventually(cond: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  return cond();
}

describe('runStep', () => {
  it('has no timeout unless one is given', async () => {
    const result = await runStep({ shell: 'sleep 0.3; echo finished' }, { cwd: dir, env: {}, label: 'shared: test', capture: true });
    expect(result).toEqual({ ok: true, stdout: 'finished\n' });
  });

  it('still times out when a timeout is given', async () => {
    const result = await runStep({ shell: 'sleep 30' }, { cwd: dir, env: {}, timeoutMs: 200, label: 'api: build' });
    expect(result).toMatchObject({ ok: false, reason: 'timeout', message: 'api: build timed out after 200ms' });
  });

  it('stops a step on timeout with SIGINT, as Ctrl-C would', async () => {
    const marker = join(dir, 'got-int');
    const result = await runStep({ shell: `trap 'echo int > ${marker}; exit 1' INT; trap 'echo term > ${marker}; exit 1' TERM; while :; do sleep 0.05; done` }, { cwd: dir, env: {}, timeoutMs: 300, label: 'api: build' });
    expect(result.ok).toBe(false);
    expect(existsSync(marker) ? require('node:fs').readFileSync(marker, 'utf8').trim() : 'none').toBe('int');
  });

  it.each([
    ['a step that ends', 'exit 0', undefined],
    ['a timed-out step (go leaves $WORK behind then: found in review)', 'while :; do sleep 0.05; done', 300],
  ])('gives %s a GOTMPDIR of its own, and removes it with whatever go left there', async (_label, rest, timeoutMs) => {
    const seen = join(dir, 'gotmpdir');
    await runStep({ shell: `echo "$GOTMPDIR" > ${seen}; mkdir "$GOTMPDIR/go-build123"; echo x > "$GOTMPDIR/go-build123/a.o"; ${rest}` }, { cwd: dir, env: {}, timeoutMs, label: 'api: build' });
    const gotmpdir = require('node:fs').readFileSync(seen, 'utf8').trim();
    expect(gotmpdir).toMatch(/nx-go-work-/);
    expect(existsSync(gotmpdir)).toBe(false);
  });

  it('clears the SIGKILL grace timer once the step has ended', async () => {
    const graceMs = 987_654;
    const set = jest.spyOn(global, 'setTimeout');
    const clear = jest.spyOn(global, 'clearTimeout');
    await runStep({ shell: 'sleep 30' }, { cwd: dir, env: {}, timeoutMs: 200, graceMs, label: 'api: build' });
    const graceTimers = set.mock.calls.flatMap((call, i) => (call[1] === graceMs ? [set.mock.results[i].value] : []));
    expect(graceTimers).toHaveLength(1);
    expect(clear.mock.calls.map((c) => c[0])).toContain(graceTimers[0]);
  });
});

describe('the watcher script', () => {
  /** A detached `sleep` (its own group, as a step is) and a watcher fed by a pipe this test holds, step 7 registered. */
  function start(name = '.api.123.tmp'): { group: number; file: string; watcher: ReturnType<typeof spawn> } {
    const step = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    step.unref();
    const file = join(dir, name);
    writeFileSync(file, 'half a binary');
    const watcher = spawn('sh', ['-c', WATCHER_SCRIPT, 'nx-go-watcher'], { stdio: ['pipe', 'ignore', 'ignore'] });
    watcher.stdin!.write(`f7 ${watcherPath(file)}\ng7 ${step.pid}\n`);
    return { group: step.pid!, file, watcher };
  }
  const exited = (child: ReturnType<typeof spawn>) => new Promise<void>((resolve) => child.on('exit', () => resolve()));

  it('on EOF (the executor died) kills the step group and removes the temp file', async () => {
    const { group, file, watcher } = start();
    const done = exited(watcher);
    watcher.stdin!.end();
    await done;
    expect(await eventually(() => !alive(group))).toBe(true);
    expect(existsSync(file)).toBe(false);
  });

  it('outlives the interrupt signals that Nx sends the whole process tree, and still cleans up on EOF', async () => {
    const { group, file, watcher } = start();
    const done = exited(watcher);
    await new Promise((r) => setTimeout(r, 100));
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) watcher.kill(signal);
    await new Promise((r) => setTimeout(r, 200));
    expect(watcher.exitCode).toBeNull();
    expect(existsSync(file)).toBe(true);
    watcher.stdin!.end();
    await done;
    expect(await eventually(() => !alive(group))).toBe(true);
    expect(existsSync(file)).toBe(false);
  });

  it('forgets a step that ended ("d<id>"), and still cleans up after the steps that had not', async () => {
    const ended = start();
    const other = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    other.unref();
    const otherFile = join(dir, '.auth.123.tmp');
    writeFileSync(otherFile, 'x');
    // Step 70's id starts with step 7's: only the exact id is forgotten.
    ended.watcher.stdin!.write(`f70 ${watcherPath(otherFile)}\ng70 ${other.pid}\nd7\n`);
    const done = exited(ended.watcher);
    ended.watcher.stdin!.end();
    await done;
    expect(alive(ended.group)).toBe(true);
    expect(existsSync(ended.file)).toBe(true);
    expect(await eventually(() => !alive(other.pid!))).toBe(true);
    expect(existsSync(otherFile)).toBe(false);
    process.kill(-ended.group, 'SIGKILL');
  });

  it.each([
    ['spaces and a glob character', 'bin dir *.tmp'],
    ['a backslash and a newline', 'odd\\name\nsecond line'],
    ['a trailing newline', 'ends\n'],
  ])('removes a file whose name holds %s, and nothing else', async (_label, name) => {
    const { group, file, watcher } = start(name);
    const bystander = join(dir, 'bin dir x.tmp');
    writeFileSync(bystander, 'keep');
    const done = exited(watcher);
    watcher.stdin!.end();
    await done;
    expect(await eventually(() => !alive(group))).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(bystander)).toBe(true);
  });

  it('with no group yet, on EOF only removes the file', async () => {
    const file = join(dir, '.api.456.tmp');
    writeFileSync(file, 'x');
    const r = spawnSync('sh', ['-c', WATCHER_SCRIPT, 'nx-go-watcher'], { input: `f1 ${watcherPath(file)}\n` });
    expect(r.status).toBe(0);
    expect(existsSync(file)).toBe(false);
  });
});

describe('startWatcher', () => {
  it('shares one watcher process among the steps of an executor', async () => {
    const before = watcherPids();
    const steps = [1, 2, 3].map(() => startWatcher([join(dir, 'none')]));
    await new Promise((r) => setTimeout(r, 100));
    const started = watcherPids().filter((pid) => !before.includes(pid)).length;
    for (const s of steps) s.release();
    // None, when an earlier test of this file already started it.
    expect(started).toBeLessThanOrEqual(1);
    expect(watcherPids().length).toBe(1);
  });
});

/** The pids of the nx-go watchers that are children of this process. */
function watcherPids(): number[] {
  const r = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes('nx-go-watcher')).map((l) => Number(l.trim().split(/\s+/)[0]));
}
