// Runs one step as a process group: streamed output, a timeout that kills the whole tree, and no orphan on Ctrl-C.

export type Step = { exec: string[] } | { shell: string };

export interface StepOptions {
  cwd: string;
  /** Variables set on top of the inherited environment; process.env itself is never modified. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Used in messages: "api:build". */
  label: string;
  /** How long SIGTERM has before SIGKILL. */
  graceMs?: number;
  /** Capture stdout instead of streaming it (for --version checks and git). */
  capture?: boolean;
}

export type StepResult =
  | { ok: true; stdout: string }
  | { ok: false; reason: 'timeout' | 'failed' | 'missing-program' | 'interrupted'; message: string; stdout: string };

export const GO_MISSING =
  'go was not found on PATH. Install Go (https://go.dev/dl/) and make sure its bin directory is on PATH, e.g. export PATH="$PATH:/usr/local/go/bin".';

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
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

const INTERRUPTS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function runStep(step: Step, opts: StepOptions): Promise<StepResult> {
  const { execa } = await import('execa');
  const graceMs = opts.graceMs ?? 5000;
  const [file, ...args] = 'exec' in step ? step.exec : [step.shell];
  const child = execa(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: true,
    shell: 'shell' in step,
    // Its own process group, so that one signal reaches go and every compiler and linker it started.
    detached: true,
    reject: false,
    stdin: 'ignore',
    stdout: opts.capture ? 'pipe' : 'inherit',
    stderr: 'inherit',
    stripFinalNewline: false,
  });
  const pid = child.pid;

  let timedOut = false;
  let interrupted: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    killGroup(pid, signal);
    setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs).unref();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop('SIGTERM');
  }, opts.timeoutMs);
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    stop('SIGTERM');
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
      return { ok: false, reason: 'timeout', stdout, message: `${opts.label} timed out after ${formatDuration(opts.timeoutMs)}` };
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
    clearTimeout(timer);
    for (const s of INTERRUPTS) process.off(s, onSignal);
    process.off('exit', onExit);
  }
}
