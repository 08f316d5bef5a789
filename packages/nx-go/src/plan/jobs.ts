// Pure: a worker's build jobs -> JobPlans (distbuild's Job), their output directories and their IDs. Inference hashes them; the job executor runs them.
import { posix } from 'node:path';
import { isCrossProject, JOBS_DIR, type JobCmd, type JobSpec } from '../config/jobs';
import type { WorkerSettings } from '../config/settings';
import type { InputDefinition } from './inputs';
import { sha256Hex } from './sha256';

export interface JobPlan {
  /** The job's name in build.jobs. */
  name: string;
  /** Workspace-relative worker directory: {{.SourceDir}}. */
  sourceDir: string;
  /** Workspace-relative output directory: {{.OutputDir}}, emptied before each run. */
  outputDir: string;
  /** Workspace-relative paths the job writes besides its output directory. */
  outputs: string[];
  /** Deps as written: `gen` or `project:gen`; the keys of {{index .Deps …}}. */
  deps: string[];
  /** As configured: templates are rendered only when the job runs, so the ID does not hold absolute paths. */
  cmds: JobCmd[];
  /** Nx input globs: `{projectRoot}/…` or `{workspaceRoot}/…`, negated ones with `!`. */
  inputs: string[];
}

/** `job-<name>`: a ':' would read as project:target:configuration on Nx's command line. */
export function jobTargetName(job: string): string {
  return `job-${job}`;
}

/** The project-level named input that holds a job's ID: its files, its planned commands and its deps' IDs. */
export function jobInputName(job: string): string {
  return `go-job-${job}`;
}

export function jobOutputDir(workerRoot: string, job: string): string {
  return posix.join(workerRoot, JOBS_DIR, job);
}

/**
 * The metadata key under which inference lists the job targets a target waits for, its build.deps or a
 * job's deps, as jobTaskOf writes them. Inference writes the same into `dependsOn`; this copy says what
 * the plugin asked for, whatever nx.json's targetDefaults or a project.json later made of `dependsOn`
 * (executors/overrides.ts checks the run's task graph against it).
 */
export const JOB_DEPS = 'jobDeps';

/**
 * Project metadata: the name inference gave a worker, which its build job deps (`auth:routes`) keep using
 * after a project.json renames the project (Nx maps the inferred dependsOn the same way).
 */
export const DEP_NAME = 'goWorker';

/** A dep as written (`gen`, `project:gen`) as a job target: `job-gen` of this project, or `project:job-gen`. */
export function jobTaskOf(dep: string): string {
  const { project, job } = splitDep(dep, '');
  return project ? `${project}:${jobTargetName(job)}` : jobTargetName(job);
}

/** jobTaskOf's inverse: `job-gen` -> `gen`, `project:job-gen` -> `project:gen`; undefined for a target that is no job. */
export function depOfJobTask(task: string): string | undefined {
  const i = task.lastIndexOf(':');
  const target = task.slice(i + 1);
  const prefix = jobTargetName('');
  if (!target.startsWith(prefix)) return undefined;
  return `${task.slice(0, i + 1)}${target.slice(prefix.length)}`;
}

/** `project:job` -> its parts; a bare name is a job of `self`. */
export function splitDep(dep: string, self: string): { project: string; job: string } {
  if (!isCrossProject(dep)) return { project: self, job: dep };
  const i = dep.lastIndexOf(':');
  return { project: dep.slice(0, i), job: dep.slice(i + 1) };
}

function nxInput(glob: string): string {
  const negated = glob.startsWith('!');
  const g = negated ? glob.slice(1) : glob;
  return `${negated ? '!' : ''}${g.startsWith('{workspaceRoot}/') ? g : `{projectRoot}/${g}`}`;
}

export function planJob(workerRoot: string, name: string, spec: JobSpec): JobPlan {
  return {
    name,
    sourceDir: workerRoot,
    outputDir: jobOutputDir(workerRoot, name),
    outputs: spec.outputs.map((o) => posix.join(workerRoot, o)),
    deps: spec.deps,
    cmds: spec.cmds,
    inputs: spec.inputs.map(nxInput),
  };
}

export function planJobs(worker: { root: string; settings: Pick<WorkerSettings, 'jobs'> }): JobPlan[] {
  return Object.entries(worker.settings.jobs).map(([name, spec]) => planJob(worker.root, name, spec));
}

/** Whether a job runs go itself (go run, go generate): Go's version then belongs to its ID. */
export function runsGo(plan: Pick<JobPlan, 'cmds'>): boolean {
  return plan.cmds.some((c) => 'exec' in c && posix.basename(c.exec[0] ?? '') === 'go');
}

const JOB_CMDS_MARK = 'echo nx-go-job-cmds';

/**
 * The part of a job's ID that is not files: its commands, deps, inputs and where it writes. Hashed as
 * a runtime input for the same reason as a build's plan (see jobInput in inputs.ts): Nx hashes every
 * target's options into every task of the project.
 */
export function jobDigest(plan: JobPlan): string {
  const { name, ...rest } = plan;
  return `${JOB_CMDS_MARK} ${sha256Hex(JSON.stringify({ job: name, ...rest })).slice(0, 32)}`;
}

export function findJobDigest(inputs: readonly unknown[] | undefined): string | undefined {
  for (const i of inputs ?? []) {
    const runtime = (i as { runtime?: unknown }).runtime;
    if (typeof runtime === 'string' && runtime.startsWith(JOB_CMDS_MARK)) return runtime;
  }
  return undefined;
}

/**
 * Worker-relative globs of what jobs write into the source tree (their `outputs`; `.jobs/` is excluded
 * everywhere): never a source of the worker's builds or tests, since a job's output reaches a build's
 * hash through the job's ID, which the build's inputs hold, and Nx's file hashes are taken before the job runs.
 */
export function jobOutputGlobs(settings?: Partial<Pick<WorkerSettings, 'jobs'>>): string[] {
  return Object.values(settings?.jobs ?? {}).flatMap((j) => j.outputs.flatMap((o) => [o, `${o}/**`]));
}

/** A command as one line, for metadata and --verbose: templates left as written. */
export function describeCmd(cmd: JobCmd): string {
  if ('cat' in cmd) return `cat > ${cmd.cat.output} <<< ${JSON.stringify(cmd.cat.template)}`;
  const env = Object.entries(cmd.env).map(([k, v]) => `${k}=${v}`);
  return [...(cmd.dir ? [`(in ${cmd.dir})`] : []), ...env, ...cmd.exec].join(' ');
}

/**
 * What `deps` contributes to a task's hash: the named input of each same-worker dep (which holds that
 * dep's own same-worker deps), and for every other project's job reached through them its named input
 * there. A named input cannot name another project's, so those are gathered here; and since the
 * other project's job may itself depend further afield, the output files of the tasks it depends on
 * are hashed as well.
 */
/** The jobs of a worker as depInputs walks them: each one's deps as written. */
type JobDeps = Readonly<Record<string, { readonly deps?: readonly string[] }>>;

export function depInputs(deps: readonly string[], worker: { name: string; settings: { jobs: JobDeps } }): InputDefinition[] {
  const inputs: InputDefinition[] = [];
  const cross = new Set<string>();
  const seen = new Set<string>();
  const walk = (d: string) => {
    if (isCrossProject(d)) {
      cross.add(d);
      return;
    }
    if (seen.has(d)) return;
    seen.add(d);
    for (const next of worker.settings.jobs[d]?.deps ?? []) walk(next);
  };
  for (const d of deps) {
    if (!isCrossProject(d)) inputs.push(jobInputName(d));
    walk(d);
  }
  for (const d of cross) {
    const { project, job } = splitDep(d, worker.name);
    inputs.push({ input: jobInputName(job), projects: [project] });
  }
  if (cross.size) inputs.push({ dependentTasksOutputFiles: '**/*', transitive: true });
  return inputs;
}

/** What a job's target adds for its deps: depInputs without the same-worker names, which its own named input holds. */
export function jobDepInputs(deps: readonly string[], worker: { name: string; settings: { jobs: JobDeps } }): InputDefinition[] {
  return depInputs(deps, worker).filter((i) => typeof i !== 'string');
}
