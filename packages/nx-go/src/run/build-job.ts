// Runs a planned BuildJob: renders its templates, builds into a temp file, validates it, then renames it over the last binary.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeJob, type BuildJob } from '../plan/build';
import { STAMP_COMMAND } from '../plan/inputs';
import { renderTemplate } from '../plan/template';
import { runStep, type Step } from './process';

export interface Stamp {
  Version: string;
  BuildTime: string;
  GitCommit: string;
}

export interface RunJobOptions {
  workspaceRoot: string;
  label: string;
  timeoutMs: number;
  verbose: boolean;
  log: (line: string) => void;
  /** Absolute output directories of the build's deps (build.deps), for {{index .Deps …}}. */
  deps?: Record<string, string>;
  /** Where the steps' output goes; absent, the terminal (see StepOptions.onOutput). */
  onOutput?: (chunk: string) => void;
  /** The git stamp, read once and shared by every task of a batch; absent, each stamped job reads its own. */
  readStamp?: () => Promise<StampResult>;
}

export type StampResult = { stamp: Stamp } | { error: string };

/** Parses the output of STAMP_COMMAND: short commit and commit time, then `git describe`, or "unversioned". */
export function parseStamp(stdout: string): Stamp {
  const [commit, time, describe] = stdout.trim().split('\n');
  if (describe === undefined) return { Version: 'dev', BuildTime: 'unknown', GitCommit: 'unknown' };
  return { Version: describe, BuildTime: time, GitCommit: commit };
}

/** Runs STAMP_COMMAND, the same git line whose output the stamped tasks hash. */
export async function readStamp(workspaceRoot: string, label: string): Promise<StampResult> {
  const result = await runStep({ shell: STAMP_COMMAND }, { cwd: workspaceRoot, env: {}, timeoutMs: 30_000, label: `${label}: git`, capture: true });
  return result.ok ? { stamp: parseStamp(result.stdout) } : { error: result.message };
}

/** A main package that declares Version can answer --version; the seed's validation applies to it. */
export function declaresVersion(mainDir: string): boolean {
  if (!existsSync(mainDir)) return false;
  return readdirSync(mainDir)
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
    .some((f) => /\bVersion\b(\s*,\s*\w+)*\s*(=|string\b)/.test(readFileSync(join(mainDir, f), 'utf8')));
}

const HOST_GOOS: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' };
const HOST_GOARCH: Partial<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };

export function runsOnHost(env: Record<string, string>): boolean {
  return (env.GOOS ?? HOST_GOOS[process.platform]) === HOST_GOOS[process.platform] && (env.GOARCH ?? HOST_GOARCH[process.arch]) === HOST_GOARCH[process.arch];
}

export async function runBuildJob(job: BuildJob, opts: RunJobOptions): Promise<{ ok: boolean; message?: string }> {
  const cwd = join(opts.workspaceRoot, job.cwd);
  const output = join(opts.workspaceRoot, job.output);
  // Same directory as the output, so the final rename is atomic.
  const temp = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`);
  mkdirSync(dirname(output), { recursive: true });

  const vars: Record<string, string> = { Output: temp, OutputDir: dirname(output), SourceDir: cwd };
  if (job.stamp) {
    const read = await (opts.readStamp ? opts.readStamp() : readStamp(opts.workspaceRoot, opts.label));
    if ('error' in read) return { ok: false, message: read.error };
    Object.assign(vars, read.stamp);
  }

  let step: Step;
  try {
    const render = (text: string) => renderTemplate(text, { fields: vars, deps: opts.deps ?? {} });
    step = job.exec ? { exec: job.exec.map(render) } : { shell: render(job.shell ?? '') };
  } catch (e) {
    return { ok: false, message: `${opts.label}: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (opts.verbose) opts.log(`${opts.label}: ${describeJob({ ...job, ...step })}`);

  // The binary at the output stays until this build has a new one to rename over it: a build that fails,
  // times out or fails validation leaves the last good binary where it was (as go build and make do).
  // go build writes only {{.Output}}, the temp file. A temp file left by a crash (pids repeat, in containers
  // above all) is never taken for this build's (found by review).
  rmSync(temp, { force: true });
  // A `command` may write the output itself; it counts as built only if the command changed that file, so
  // one that writes nothing fails instead of passing the previous binary off as its own. As make's
  // .DELETE_ON_ERROR: what a failing command changed at the output is removed.
  const before = fileIdentity(output);
  const wroteOutput = () => {
    const now = job.exec === undefined ? fileIdentity(output) : before;
    return now !== undefined && now !== before;
  };
  let ok = false;
  try {
    const result = await runStep(step, { cwd, env: job.env, timeoutMs: opts.timeoutMs, label: opts.label, removeOnDeath: [temp], onOutput: opts.onOutput });
    if (!result.ok) return { ok: false, message: result.message };
    const built = existsSync(temp) ? temp : wroteOutput() ? output : undefined;
    if (built === undefined) return { ok: false, message: `${opts.label}: the build succeeded but wrote no ${job.output}` };

    const mainArg = job.exec?.[job.exec.length - 1];
    const validate = job.validate === 'auto' ? mainArg !== undefined && declaresVersion(join(cwd, mainArg)) : job.validate;
    if (validate && runsOnHost(job.env)) {
      // Validated before the rename, so a binary that fails never reaches the output path.
      const checked = await validateBinary(built, basename(output), job.stamp ? vars.Version : undefined, { ...opts, removeOnDeath: [temp] });
      if (!checked.ok) return checked;
    }
    if (built === temp) renameSync(temp, output);
    ok = true;
    return { ok: true };
  } finally {
    rmSync(temp, { force: true });
    // A command that wrote the output itself and then failed leaves no half-written or unvalidated binary.
    if (!ok && wroteOutput()) rmSync(output, { force: true });
  }
}

/** Changes whenever the file is written, replaced or removed; undefined when there is no file. */
function fileIdentity(file: string): string | undefined {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return undefined;
  }
}

/**
 * The seed's build validation: the binary runs and exits 0 on --version; a stamped binary must also
 * report the version it was stamped with. `name` is the output's name, for messages (the file may be a temp).
 */
async function validateBinary(
  binary: string,
  name: string,
  version: string | undefined,
  opts: RunJobOptions & { removeOnDeath: string[] },
): Promise<{ ok: boolean; message?: string }> {
  const label = `${opts.label}: ${name} --version`;
  const result = await runStep(
    { exec: [binary, '--version'] },
    { cwd: dirname(binary), env: {}, timeoutMs: 10_000, label, capture: true, removeOnDeath: opts.removeOnDeath, onOutput: opts.onOutput },
  );
  if (!result.ok) return { ok: false, message: `${result.message}; the binary must exit 0 on --version (set build.validate: false to skip)` };
  if (version !== undefined && !result.stdout.includes(version)) {
    return { ok: false, message: `${opts.label}: ${name} --version printed ${JSON.stringify(result.stdout.trim())}, which lacks the stamped version ${JSON.stringify(version)}` };
  }
  opts.log(`${opts.label}: validated ${name} --version${version === undefined ? '' : ` (${version})`}`);
  return { ok: true };
}
