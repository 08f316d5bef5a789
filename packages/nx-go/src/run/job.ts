// Runs a planned build job: empties its outputs, renders each command's templates, execs or cats, and leaves nothing behind on failure.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describeCmd, type JobPlan } from '../plan/jobs';
import { renderTemplate } from '../plan/template';
import { runStep } from './process';

export interface RunJobOptions {
  workspaceRoot: string;
  /** "api: job-gen", the prefix of every message. */
  label: string;
  /** For the whole job, all commands together. */
  timeoutMs: number;
  /** Absolute output directories of the job's deps, keyed as written in deps. */
  deps: Record<string, string>;
  verbose: boolean;
  log: (line: string) => void;
}

export type JobResult = { ok: true } | { ok: false; message: string };

const inside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/** Writes through a temp file in the same directory, so a reader never sees half a file. */
function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}

export async function runJob(plan: JobPlan, opts: RunJobOptions): Promise<JobResult> {
  const abs = (p: string) => join(opts.workspaceRoot, p);
  const outputDir = abs(plan.outputDir);
  const sourceDir = abs(plan.sourceDir);
  const owned = [outputDir, ...plan.outputs.map(abs)];
  const clean = () => owned.forEach((p) => rmSync(p, { recursive: true, force: true }));
  // Emptied first, so outputs never mix this run's files with an earlier run's.
  clean();
  mkdirSync(outputDir, { recursive: true });

  const values = { fields: { OutputDir: outputDir, SourceDir: sourceDir }, deps: opts.deps };
  const deadline = Date.now() + opts.timeoutMs;
  const failed = (message: string): JobResult => {
    clean();
    return { ok: false, message };
  };

  for (const [i, cmd] of plan.cmds.entries()) {
    const label = `${opts.label}: cmds[${i}] (${describeCmd(cmd)})`;
    try {
      if ('cat' in cmd) {
        const output = resolve(sourceDir, renderTemplate(cmd.cat.output, values));
        // Checked at config time on the template; checked again on the real path, which a dep's directory could move.
        if (!owned.some((o, k) => inside(o, output) || (k > 0 && output === o))) {
          return failed(`${label}: writes ${output}, outside the job's output directory and declared outputs`);
        }
        if (opts.verbose) opts.log(`${label}: writing ${relative(opts.workspaceRoot, output).split(sep).join('/')}`);
        writeAtomically(output, renderTemplate(cmd.cat.template, values));
        continue;
      }
      const argv = cmd.exec.map((a) => renderTemplate(a, values));
      const env = Object.fromEntries(Object.entries(cmd.env).map(([k, v]) => [k, renderTemplate(v, values)]));
      const cwd = resolve(sourceDir, cmd.dir === undefined ? '.' : renderTemplate(cmd.dir, values));
      if (opts.verbose) opts.log(`${label}: ${argv.join(' ')}`);
      const result = await runStep({ exec: argv }, { cwd, env, timeoutMs: Math.max(1, deadline - Date.now()), label });
      if (!result.ok) return failed(result.reason === 'missing-program' ? `${label}: ${result.message}` : result.message);
    } catch (e) {
      return failed(`${label}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { ok: true };
}
