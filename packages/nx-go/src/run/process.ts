// Runs one step as a process group: streamed output, an optional timeout that kills the whole tree, and no orphan
// on Ctrl-C or when the executor itself dies (even by SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Step = { exec: string[] } | { shell: string };

export interface StepOptions {
  cwd: string;
  /** Variables set on top of the inherited environment; process.env itself is never modified. */
  env: Record<string, string>;
  /** Absent: no executor-level timeout (go test, vet, tidy and vendor keep Go's own). */
  timeoutMs?: number;
  /** Used in messages: "api:build". */
  label: string;
  /** How long SIGTERM has before SIGKILL. */
  graceMs?: number;
  /** Capture stdout instead of streaming it (for --version checks and git). */
  capture?: boolean;
  /** Files the watcher removes if the executor dies before the step ends (the build's temp output). */
  removeOnDeath?: string[];
  /**
   * Receives the step's output (stderr, and stdout unless captured) instead of the terminal: a batch runs
   * many steps at once in one process, and each task's output must reach that task's own log.
   */
  onOutput?: (chunk: string) => void;
}

export type StepResult =
  | { ok: true; stdout: string }
  | { ok: false; reason: 'timeout' | 'failed' | 'missing-program' | 'interrupted'; message: string; stdout: string };

export const GO_MISSING =
  'go was not found on PATH. Install Go (https://go.dev/dl/) and make sure its bin directory is on PATH, e.g. export PATH="$PATH:/usr/local/go/bin".';

/** Sends `signal` to the whole process group led by `pid`; a group that is gone is not an error. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The signals that interrupt a run (Ctrl-C, a CI cancel, a closed terminal): every listener in the plugin uses this list. */
export const INTERRUPTS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The watcher's script: one watcher per executor process, shared by every step it runs (a batch runs a
 * hundred; one more fork per step cost the batch's event loop about 5 ms each). It reads lines on stdin:
 * - `f<id> <path>`: a file to remove if the executor dies while step <id> runs; `\` and newline in the
 *   path come escaped as `\\` and `\n`, for printf %b;
 * - `g<id> <group>`: step <id>'s process group;
 * - `d<id>`: step <id> ended and was cleaned up by the executor: forget it.
 * EOF instead (the executor died, even by SIGKILL, so no handler of ours ran) kills every group still
 * listed, then removes their files. It ignores the interrupt signals, so that only EOF ends it: on
 * Ctrl-C Nx 24 signals the executor's whole process tree, this watcher included (found by review). Nx's
 * SIGKILL of the tree a few seconds later still reaches it. Globbing is off: the lines are data.
 */
export const WATCHER_SCRIPT = [
  "trap '' INT TERM HUP",
  'set -f',
  "nl='\n'",
  'live=',
  'while IFS= read -r line; do',
  '  case $line in',
  '    d*) id=${line#d}; keep=; IFS=$nl; for l in $live; do case $l in [fg]"$id "*) ;; *) keep="$keep$l$nl" ;; esac; done; unset IFS; live=$keep ;;',
  '    [fg]*) live="$live$line$nl" ;;',
  '  esac',
  'done',
  'IFS=$nl',
  'for l in $live; do case $l in g*) kill -KILL -"${l#* }" 2>/dev/null ;; esac; done',
  // A trailing "." keeps a path's own trailing newline from being stripped by $(…).
  'for l in $live; do case $l in f*) p=$(printf "%b." "${l#* }"); rm -rf -- "${p%.}" ;; esac; done',
].join('\n');

export interface Watcher {
  /** Tells the watcher which process group to kill if the executor dies. */
  watch(group: number): void;
  /** The step ended and was cleaned up by us: the watcher forgets it. */
  release(): void;
}

/** A path as a line of the watcher's protocol: printf %b turns it back. */
export const watcherPath = (path: string) => path.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

let shared: { send(lines: string): void } | undefined;
let nextStep = 0;

/**
 * Why a separate process: a step runs detached (its own group) and SIGKILL runs no handler, so only a
 * process outside both groups, holding the read end of a pipe that the executor alone writes, learns of
 * the executor's death (EOF) and can kill the steps' groups; detached too, so a kill of nx's group spares
 * it. Started at the first step; its pipe does not keep the executor alive, and when the executor exits
 * the pipe closes, so the watcher exits too.
 */
function sharedWatcher(): { send(lines: string): void } {
  if (shared) return shared;
  const child: ChildProcess = spawn('sh', ['-c', WATCHER_SCRIPT, 'nx-go-watcher'], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const self = {
    send: (lines: string) => {
      child.stdin?.write(lines);
    },
  };
  // EPIPE if the watcher is gone (it never should be): the steps themselves are unaffected, and the next step starts a new one.
  const forget = () => {
    if (shared === self) shared = undefined;
  };
  child.on('error', forget);
  child.on('exit', forget);
  child.stdin?.on('error', forget);
  shared = self;
  return self;
}

/**
 * Registers a step with the process's watcher before the step starts, so the executor cannot die
 * between the step's start and its registration: its files are removed even before it has a group.
 */
export function startWatcher(removeOnDeath: string[] = []): Watcher {
  const watcher = sharedWatcher();
  const id = ++nextStep;
  if (removeOnDeath.length) watcher.send(removeOnDeath.map((f) => `f${id} ${watcherPath(f)}\n`).join(''));
  let released = false;
  return {
    watch: (group) => watcher.send(`g${id} ${group}\n`),
    release: () => {
      if (released) return;
      released = true;
      watcher.send(`d${id}\n`);
    },
  };
}

// Loaded once: every import() of an ES module goes through the loader again, about 6 ms per step in a busy batch.
const loadExeca = () => import('execa');
let execaModule: ReturnType<typeof loadExeca> | undefined;

/** Starts loading execa (120 ms), so that it loads while a batch sets up its first tasks rather than after. */
export function preloadExeca(): void {
  execaModule ??= loadExeca();
  // A failed load is reported by the step that awaits it.
  execaModule.catch(() => undefined);
}

/** Go removes its own $WORK when it ends normally: the empty directory goes without a recursive walk. */
function removeWorkDir(work: string): void {
  try {
    rmdirSync(work);
  } catch {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function runStep(step: Step, opts: StepOptions): Promise<StepResult> {
  const { execa } = await (execaModule ??= loadExeca());
  const graceMs = opts.graceMs ?? 5000;
  const [file, ...args] = 'exec' in step ? step.exec : [step.shell];
  // Go's temp $WORK directory goes into a directory of the step's own (GOTMPDIR), removed whatever the
  // outcome: an interrupted or timed-out go build leaves $WORK behind (checked with Go 1.26).
  const work = mkdtempSync(join(opts.env.GOTMPDIR ?? process.env.GOTMPDIR ?? tmpdir(), 'nx-go-work-'));
  // Started first, so the executor cannot die between the step's start and the watcher's.
  const watcher = startWatcher([...(opts.removeOnDeath ?? []), work]);
  const child = execa(file, args, {
    cwd: opts.cwd,
    env: { ...opts.env, GOTMPDIR: work },
    extendEnv: true,
    shell: 'shell' in step,
    // Its own process group, so that one signal reaches go and every compiler and linker it started.
    detached: true,
    reject: false,
    stdin: 'ignore',
    stdout: opts.capture || opts.onOutput ? 'pipe' : 'inherit',
    stderr: opts.onOutput ? 'pipe' : 'inherit',
    stripFinalNewline: false,
  });
  if (opts.onOutput) {
    const forward = (chunk: Buffer | string) => opts.onOutput!(chunk.toString());
    if (!opts.capture) child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
  }
  const pid = child.pid;
  if (pid !== undefined) watcher.watch(pid);

  let timedOut = false;
  let interrupted: NodeJS.Signals | undefined;
  const timers: NodeJS.Timeout[] = [];
  const stop = (signal: NodeJS.Signals) => {
    killGroup(pid, signal);
    timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs).unref());
  };
  if (opts.timeoutMs !== undefined) {
    timers.push(
      setTimeout(() => {
        timedOut = true;
        // SIGINT, as Ctrl-C sends: go and the tools it runs stop as they would at a terminal.
        stop('SIGINT');
      }, opts.timeoutMs),
    );
  }
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    stop('SIGINT');
  };
  const onExit = () => killGroup(pid, 'SIGKILL');
  for (const s of INTERRUPTS) process.on(s, onSignal);
  process.on('exit', onExit);

  try {
    const result = await child;
    const stdout = typeof result.stdout === 'string' ? result.stdout : '';
    // Whatever the leader did, nothing it started may outlive the step.
    killGroup(pid, 'SIGKILL');
    if (timedOut) {
      return { ok: false, reason: 'timeout', stdout, message: `${opts.label} timed out after ${formatDuration(opts.timeoutMs ?? 0)}` };
    }
    if (interrupted) {
      return { ok: false, reason: 'interrupted', stdout, message: `${opts.label} was interrupted by ${interrupted}` };
    }
    if ((result as { code?: string }).code === 'ENOENT' || ('shell' in step && result.exitCode === 127)) {
      const message =
        'shell' in step ? `${opts.label}: a program in build.command was not found on PATH (exit code 127)` : file === 'go' ? GO_MISSING : `${file} was not found on PATH.`;
      return { ok: false, reason: 'missing-program', stdout, message };
    }
    if (result.failed) {
      const how = result.exitCode !== undefined ? `exit code ${result.exitCode}` : `signal ${result.signal ?? 'unknown'}`;
      return { ok: false, reason: 'failed', stdout, message: `${opts.label} failed (${how})` };
    }
    return { ok: true, stdout };
  } finally {
    for (const t of timers) clearTimeout(t);
    removeWorkDir(work);
    watcher.release();
    for (const s of INTERRUPTS) process.off(s, onSignal);
    process.off('exit', onExit);
  }
}
