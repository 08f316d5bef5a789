// Specifies how a build.command's output is claimed: one command build per output, the last good binary
// aside while it runs, and the leftovers of runs that died with their watcher.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimOutput, clearLeftovers, isAlive } from './command-output';

let dir: string;
let output: string;
let temp: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nx-go-command-output-'));
  output = join(dir, 'api');
  temp = join(dir, `.api.${process.pid}.tmp`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that no process has any more. */
function deadPid(): number {
  const pid = spawnSync('true').pid!;
  expect(isAlive(pid)).toBe(false);
  return pid;
}

const claim = (waitMs = 5_000) => claimOutput(output, temp, { waitMs, label: 'api: build' });
const files = () => readdirSync(dir).sort();

describe('claimOutput', () => {
  it('moves the last good binary aside, and drops it once the command has built', async () => {
    writeFileSync(output, 'last good');
    const c = await claim();
    if ('error' in c) throw new Error(c.error);
    expect(files()).toEqual([`.api.${process.pid}.last`, '.api.lock']);
    expect(c.death).toEqual({ removeOnDeath: [temp, join(dir, '.api.lock')], restoreOnDeath: { from: c.aside, to: output } });
    writeFileSync(output, 'new');
    expect(c.release(true)).toBeUndefined();
    expect(files()).toEqual(['api']);
    expect(readFileSync(output, 'utf8')).toBe('new');
  });

  it('puts the last good binary back over what a failed command left', async () => {
    writeFileSync(output, 'last good');
    const c = await claim();
    if ('error' in c) throw new Error(c.error);
    writeFileSync(output, 'half');
    expect(c.release(false)).toBeUndefined();
    expect(files()).toEqual(['api']);
    expect(readFileSync(output, 'utf8')).toBe('last good');
  });

  it('with no last good binary, removes what a failed command left', async () => {
    const c = await claim();
    if ('error' in c) throw new Error(c.error);
    expect(c.death).toEqual({ removeOnDeath: [temp, output, join(dir, '.api.lock')] });
    writeFileSync(output, 'half');
    c.release(false);
    expect(files()).toEqual([]);
  });

  it('says so when the command removed the last good binary, and still leaves no half-written output', async () => {
    writeFileSync(output, 'last good');
    const c = await claim();
    if ('error' in c) throw new Error(c.error);
    rmSync(c.aside!);
    writeFileSync(output, 'half');
    expect(c.release(false)).toBe(`the command removed the last good binary (${c.aside}), so none is left at ${output}`);
    expect(files()).toEqual([]);
  });

  it('waits while a live process holds the lock, then fails naming it', async () => {
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, '.api.lock'), `${holder.pid}\n`);
      writeFileSync(output, 'last good');
      const started = Date.now();
      const c = await claim(300);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(c).toEqual({
        error: `api: build: another build of ${output} is still running (process ${holder.pid} holds ${join(dir, '.api.lock')}); if no build is running, remove that file`,
      });
      // The holder's output is untouched.
      expect(files()).toEqual(['.api.lock', 'api']);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('goes ahead once the holder is gone', async () => {
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    writeFileSync(join(dir, '.api.lock'), `${holder.pid}\n`);
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    setTimeout(() => holder.kill('SIGKILL'), 200);
    const c = await claim();
    await exited;
    if ('error' in c) throw new Error(c.error);
    expect(readFileSync(join(dir, '.api.lock'), 'utf8')).toBe(`${process.pid}\n`);
    c.release(true);
    expect(existsSync(join(dir, '.api.lock'))).toBe(false);
  });

  it('takes over a lock whose process is gone, or that names this pid (pids repeat in containers)', async () => {
    for (const pid of [deadPid(), process.pid]) {
      writeFileSync(join(dir, '.api.lock'), `${pid}\n`);
      const c = await claim(0);
      if ('error' in c) throw new Error(c.error);
      c.release(true);
      expect(files()).toEqual([]);
    }
  });
});

describe('clearLeftovers', () => {
  it("removes dead runs' temp files and keeps live ones", () => {
    const live = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const dead = deadPid();
      for (const f of [`.api.${dead}.tmp`, `.api.${live.pid}.tmp`, `.api.${process.pid}.tmp`, `.other.${dead}.tmp`, '.api.x.tmp']) writeFileSync(join(dir, f), 'x');
      clearLeftovers(output, false);
      expect(files()).toEqual([`.api.${live.pid}.tmp`, '.api.x.tmp', `.other.${dead}.tmp`].sort());
    } finally {
      live.kill('SIGKILL');
    }
  });

  it("holding the lock, puts a dead run's last good binary back over what that run left; the newest when there are several", () => {
    const [older, newer] = [deadPid(), deadPid()];
    writeFileSync(output, 'half');
    writeFileSync(join(dir, `.api.${newer}.last`), 'last good');
    writeFileSync(join(dir, `.api.${older}.last`), 'older');
    utimesSync(join(dir, `.api.${newer}.last`), new Date(2026, 1, 2), new Date(2026, 1, 2));
    utimesSync(join(dir, `.api.${older}.last`), new Date(2026, 1, 1), new Date(2026, 1, 1));
    clearLeftovers(output, false);
    expect(files()).toEqual([`.api.${newer}.last`, `.api.${older}.last`, 'api'].sort());
    clearLeftovers(output, true);
    expect(files()).toEqual(['api']);
    expect(readFileSync(output, 'utf8')).toBe('last good');
  });
});
