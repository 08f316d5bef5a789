// The output of a build.command, which may write bin/<name> itself: one command build at a time per output,
// with the last good binary moved aside while it runs, so that the command can neither pass that binary
// off as its own nor lose it.
import { closeSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** What the watcher does if the executor dies while the command runs (see StepOptions). */
export interface DeathPlan {
  removeOnDeath: string[];
  restoreOnDeath?: { from: string; to: string };
}

export interface ClaimedOutput {
  /** Where the last good binary waits while the command runs; undefined when there was none. */
  aside?: string;
  death: DeathPlan;
  /**
   * Ends the claim. `ok`: the command's output stays and the last good binary goes. Otherwise the last good
   * binary is put back over whatever the command left (or, with none, the output is removed). Returns a
   * note when the last good binary could not be put back.
   */
  release(ok: boolean): string | undefined;
}

/** Whether a process with this pid exists (EPERM: it does, but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in a leftover's name `.<name>.<pid>.<suffix>`, if it is one of `name`'s. */
function leftoverPid(file: string, name: string, suffix: 'tmp' | 'last'): number | undefined {
  const prefix = `.${name}.`;
  if (!file.startsWith(prefix) || !file.endsWith(`.${suffix}`)) return undefined;
  const pid = file.slice(prefix.length, -suffix.length - 1);
  return /^\d+$/.test(pid) ? Number(pid) : undefined;
}

/**
 * Leftovers of runs that died with their watcher (a container or cgroup kill): temp files of dead processes
 * go. Only while holding the output's lock (`restore`) does a dead run's last good binary go back over the
 * output, which then holds what that run left, perhaps half a binary; no live command build can be using it.
 */
export function clearLeftovers(output: string, restore: boolean): void {
  const dir = dirname(output);
  const name = basename(output);
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return;
  }
  const dead = (pid: number | undefined) => pid !== undefined && (pid === process.pid || !isAlive(pid));
  for (const file of files) {
    if (dead(leftoverPid(file, name, 'tmp'))) rmSync(join(dir, file), { force: true });
  }
  if (!restore) return;
  // Normally at most one: the next command build restores it. The newest binary is the last good one.
  const mtime = (file: string) => statSync(join(dir, file)).mtimeMs;
  const lasts = files.filter((f) => dead(leftoverPid(f, name, 'last'))).sort((a, b) => mtime(a) - mtime(b));
  for (const [i, file] of lasts.entries()) {
    if (i === lasts.length - 1) renameSync(join(dir, file), output);
    else rmSync(join(dir, file), { force: true });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes `.<name>.lock` beside the output, waiting up to `waitMs` while a live process holds it. A lock
 * whose process is gone (or is this pid: pids repeat, in containers above all) is taken over. Two runs
 * that find the same stale lock at the same moment may both take it; that needs a crash first.
 */
async function lock(output: string, waitMs: number, label: string): Promise<{ file: string; unlock(): void } | { error: string }> {
  const file = join(dirname(output), `.${basename(output)}.lock`);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return {
        file,
        unlock: () => {
          try {
            if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
          } catch {
            // Already gone.
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: number | undefined;
    try {
      const text = readFileSync(file, 'utf8').trim();
      holder = /^\d+$/.test(text) ? Number(text) : undefined;
    } catch {
      continue;
    }
    if (holder === undefined || holder === process.pid || !isAlive(holder)) {
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      return {
        error: `${label}: another build of ${output} is still running (process ${holder} holds ${file}); if no build is running, remove that file`,
      };
    }
    await sleep(100);
  }
}

/** Claims `output` for one command build: waits for the lock, clears a dead run's leftovers, moves the last good binary aside. */
export async function claimOutput(output: string, temp: string, opts: { waitMs: number; label: string }): Promise<ClaimedOutput | { error: string }> {
  const held = await lock(output, opts.waitMs, opts.label);
  if ('error' in held) return held;
  try {
    clearLeftovers(output, true);
    const aside = join(dirname(output), `.${basename(output)}.${process.pid}.last`);
    const moved = moveIfPresent(output, aside);
    return {
      aside: moved ? aside : undefined,
      // The watcher puts the last good binary back over the output, or with none removes the output; the lock goes last.
      death: moved ? { removeOnDeath: [temp, held.file], restoreOnDeath: { from: aside, to: output } } : { removeOnDeath: [temp, output, held.file] },
      release: (ok) => {
        try {
          if (ok) {
            if (moved) rmSync(aside, { force: true });
            return undefined;
          }
          if (!moved) {
            rmSync(output, { force: true });
            return undefined;
          }
          // Replaces whatever the command left at the output.
          if (moveIfPresent(aside, output)) return undefined;
          rmSync(output, { force: true });
          return `the command removed the last good binary (${aside}), so none is left at ${output}`;
        } finally {
          held.unlock();
        }
      },
    };
  } catch (e) {
    held.unlock();
    throw e;
  }
}

/** Renames `from` to `to` if `from` exists; whether it did. */
export function moveIfPresent(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
