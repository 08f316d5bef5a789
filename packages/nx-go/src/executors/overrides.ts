// What a user's nx.json targetDefaults or project.json may not take away from an inferred target: the
// inputs that make its hash sound, and the build jobs it waits for. Each executor checks before it runs.
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { posix } from 'node:path';
import { minimatch } from 'minimatch';
import type { BuildJob } from '../plan/build';
import type { InputDefinition } from '../plan/inputs';
import { CGO_TOOLCHAIN_INPUT, CONTEXT_INPUT, CROSS_INPUT, findJobInput, findRuntime, isGoEnvInput, namedInputsDigest, PLUGIN_RUNTIME_MARK, SOURCES_INPUT, STAMP_INPUT, TEST_CONTEXT_INPUT, TEST_SOURCES_INPUT, usesCgo } from '../plan/inputs';
import { depInputs, depOfJobTask, JOB_DEPS, jobInputName, jobTaskOf } from '../plan/jobs';
import { projectNamed } from './project-settings';

/**
 * The ids of the tasks `id` depends on. Nx 22 and 23 list them as ids, Nx 24 as edges (`{ id, … }`): read
 * as ids, Nx 24's edges matched no task, so a dependent task ran beside (or after the failure of) its
 * dependency (found by review).
 */
export function dependencyIds(taskGraph: Pick<TaskGraph, 'dependencies'>, id: string): string[] {
  const deps: ReadonlyArray<string | { id: string }> = taskGraph.dependencies[id] ?? [];
  return deps.map((dep) => (typeof dep === 'string' ? dep : dep.id));
}

type Context = Pick<ExecutorContext, 'taskGraph' | 'projectName' | 'targetName' | 'configurationName' | 'target'> &
  Partial<Pick<ExecutorContext, 'projectsConfigurations' | 'projectGraph'>>;

/** The inputs of an inferred target that its hash cannot lose: what they hold, and which of them a list lacks. */
export interface KeptInputs {
  holds: string;
  /** The required inputs absent from `inputs`, by name; empty when they are all there. */
  missing(inputs: readonly unknown[]): string[];
}

const hasGoEnv = (inputs: readonly unknown[]) => inputs.some(isGoEnvInput);
const absent = (inputs: readonly unknown[], names: readonly string[]) => names.filter((n) => !inputs.includes(n));

/**
 * build, build-prod and cross-compile (docker-build: DOCKER_INPUTS): the job's digest, the sources and those of the
 * dependencies, and the context (go.work, the ignored files' digest) with `go env`, or go-cross for all
 * three. A list copied from `nx show project` and trimmed loses one of these. buildInputsKept adds what a
 * build's own jobs need on top: the git stamp and the C toolchain.
 */
export const BUILD_INPUTS: KeptInputs = {
  holds: 'the planned go build (flags, env, server.yaml\'s settings), the sources of the module and its dependencies, the Go toolchain and environment, and the files Go reads that git ignores',
  missing: (inputs) => {
    const missing = findJobInput(inputs) === undefined ? ['the job digest'] : [];
    missing.push(...absent(inputs, [`^${SOURCES_INPUT}`]));
    if (!inputs.includes(CROSS_INPUT)) {
      const context = [...absent(inputs, [SOURCES_INPUT, CONTEXT_INPUT]), ...(hasGoEnv(inputs) ? [] : ['go-env…'])];
      if (context.length) missing.push(`${context.join(', ')} (or ${CROSS_INPUT})`);
    }
    return missing;
  },
};

/**
 * BUILD_INPUTS, and what these jobs put in the binary besides: the git stamp of a stamping job (in go-stamp,
 * or go-cross, which holds it) and the C toolchain of a cgo job. Without them a new commit or a new cc
 * would be served the old binary.
 */
export function buildInputsKept(jobs: ReadonlyArray<Pick<BuildJob, 'stamp' | 'env'>>): KeptInputs {
  const stamp = jobs.some((j) => j.stamp);
  const cgo = jobs.some(usesCgo);
  if (!stamp && !cgo) return BUILD_INPUTS;
  const extra = [stamp && 'the git stamp written into the binary', cgo && 'the C toolchain cgo compiles with'].filter(Boolean).join(' and ');
  return {
    holds: `${BUILD_INPUTS.holds}; also ${extra}`,
    missing: (inputs) => [
      ...BUILD_INPUTS.missing(inputs),
      ...(stamp && !inputs.includes(STAMP_INPUT) && !inputs.includes(CROSS_INPUT) ? [STAMP_INPUT] : []),
      ...(cgo ? absent(inputs, [CGO_TOOLCHAIN_INPUT]) : []),
    ],
  };
}

/**
 * docker-build: BUILD_INPUTS and the git stamp, always: the image's tag and build arguments come from it,
 * whether build-prod stamps or not (the image is compiled in the container, so the host's C toolchain is not asked for).
 */
export const DOCKER_INPUTS: KeptInputs = buildInputsKept([{ stamp: true, env: { CGO_ENABLED: '0' } }]);

/** Whether `inputs` hold `wanted`, an input depInputs writes; another project's is matched by its named input (a rename may change `projects`). */
function holdsDepInput(inputs: readonly unknown[], wanted: InputDefinition): boolean {
  if (typeof wanted === 'string') return inputs.includes(wanted);
  const w = wanted as { input?: string; dependentTasksOutputFiles?: string; transitive?: boolean };
  return inputs.some((i) => {
    const o = i as { input?: unknown; dependentTasksOutputFiles?: unknown; transitive?: unknown } | null;
    if (!o || typeof o !== 'object') return false;
    // The dependencies' output files as inference hashes them: all of them, transitively (a narrower glob hashes less).
    return w.input !== undefined ? o.input === w.input : o.dependentTasksOutputFiles === w.dependentTasksOutputFiles && o.transitive === w.transitive;
  });
}

/**
 * `kept`, and the inputs that hold the IDs of the build jobs the task waits for (depInputs, jobDepInputs):
 * without them another worker's job could change and this task still be served from the cache (found by review).
 */
export function withDepInputs(kept: KeptInputs, wanted: readonly InputDefinition[]): KeptInputs {
  if (!wanted.length) return kept;
  const name = (w: InputDefinition) =>
    typeof w === 'string' ? w : 'input' in w ? `${w.input} of ${(w as { projects?: string[] }).projects?.join(', ')}` : 'the output files of the tasks it depends on';
  return {
    holds: `${kept.holds}; also the IDs of the build jobs it waits for`,
    missing: (inputs) => [...kept.missing(inputs), ...wanted.filter((w) => !holdsDepInput(inputs, w)).map(name)],
  };
}

/**
 * The dep inputs inference gave a target that waits for build jobs (depInputs), rebuilt from what the
 * project's configuration says: the target's `metadata.jobDeps`, and the deps of the worker's own job
 * targets (their `metadata.job.deps`). For test, vet and docker-build, whose executors read no worker settings.
 */
export function jobDepInputsOf(context: Context): InputDefinition[] {
  const listed: unknown = context.target?.metadata?.[JOB_DEPS];
  if (!Array.isArray(listed) || !listed.length) return [];
  const self = context.projectName ?? '';
  const deps = listed.map((j) => (typeof j === 'string' ? depOfJobTask(j) : undefined)).filter((d): d is string => d !== undefined);
  const jobs: Record<string, { deps: string[] }> = {};
  for (const [name, t] of Object.entries(context.projectsConfigurations?.projects[self]?.targets ?? {})) {
    const job = depOfJobTask(name);
    const planned = (t.metadata?.job as { deps?: unknown } | undefined)?.deps;
    if (job !== undefined && Array.isArray(planned)) jobs[job] = { deps: planned.filter((d): d is string => typeof d === 'string') };
  }
  return depInputs(deps, { name: self, settings: { jobs } });
}

/** test and vet: the test sources, the dependencies' sources, the test context and `go env`. */
export const TEST_INPUTS: KeptInputs = {
  holds: 'the test sources of the module and the sources of its dependencies, the Go toolchain and environment, and the files go test and go vet read that git ignores',
  missing: (inputs) => [...absent(inputs, [TEST_SOURCES_INPUT, `^${SOURCES_INPUT}`, TEST_CONTEXT_INPUT]), ...(hasGoEnv(inputs) ? [] : ['go-env'])],
};

/** vendor: the plugin's identity marks its inputs. */
export const VENDOR_INPUTS: KeptInputs = {
  holds: "the module's Go files, go.mod and go.sum, the Go environment, and the files git ignores",
  missing: (inputs) => (findRuntime(inputs, PLUGIN_RUNTIME_MARK) === undefined ? ['the plugin\'s identity'] : []),
};

/** A build job: its named input, `go-job-<name>`. */
export function jobInputs(job: string): KeptInputs {
  return { holds: "the job's input files, its commands and its deps' IDs", missing: (inputs) => absent(inputs, [jobInputName(job)]) };
}

const FIXES =
  'Keep the plugin\'s by starting that list with "..." (Nx 23 and later; Nx 22 refuses "..." there), or take the key out of ' +
  'that entry, or key the entry by the executor it is meant for (such as "@nx/js:tsc") rather than by the target name.';

/**
 * Why this cached task must not run: its inputs no longer hold the plugin's, because a targetDefaults entry
 * in nx.json (by target name, such as a JavaScript workspace's `build: { inputs: ["production",
 * "^production"] }`, or by executor) or a project.json replaced them. Nx would then cache the task under a
 * hash that misses what `kept` holds, and serve that result after any of it changes: a stale binary.
 * Undefined when the inputs are kept, or the task is not cached (then its inputs decide nothing).
 */
export function replacedInputsError(context: Pick<ExecutorContext, 'target'>, label: string, kept: KeptInputs): string | undefined {
  const target = context.target;
  if (target?.cache !== true) return undefined;
  if (target.inputs === undefined) {
    return (
      `${label}: this cached target has no inputs of its own (Nx then hashes the project's files and nothing else), so it lacks the ` +
      `plugin's, which hold ${kept.holds}. If you wrote it by hand, set "cache": false on it, or copy the inputs of the inferred ` +
      `target (nx show project).`
    );
  }
  const missing = kept.missing(target.inputs);
  if (!missing.length) return undefined;
  return (
    `${label}: its inputs are ${JSON.stringify(target.inputs)}, without the plugin's, which hold ${kept.holds} (missing: ${missing.join(', ')}): a targetDefaults entry ` +
    `in nx.json, or the project's project.json, replaced them. Nx would cache this task under a hash without them, and serve the ` +
    `result again after any of them changes. ${FIXES}`
  );
}

/** Whether a project's go-* named inputs still match inference's digest, once per named-inputs object (a batch asks for many tasks). */
const namedInputsKept = new WeakMap<object, boolean>();
function keepsNamedInputs(project: { namedInputs?: object; metadata?: Record<string, unknown> } | undefined): boolean {
  const inferred = project?.metadata?.goNamedInputs;
  if (typeof inferred !== 'string') return true;
  const named = project?.namedInputs ?? {};
  let kept = namedInputsKept.get(named);
  if (kept === undefined) namedInputsKept.set(named, (kept = namedInputsDigest(named as Record<string, unknown>) === inferred));
  return kept;
}

/** This project and every project it depends on, directly or not: those whose go-sources a `^go-sources` input reads. */
function projectAndDependencies(context: Context, self: string): string[] {
  const seen = new Set([self]);
  const queue = [self];
  while (queue.length) {
    // Popped first: an optional chain without a graph would skip the pop and never end.
    const project = queue.pop()!;
    for (const dep of context.projectGraph?.dependencies?.[project] ?? []) {
      if (!seen.has(dep.target)) {
        seen.add(dep.target);
        queue.push(dep.target);
      }
    }
  }
  return [...seen];
}

/**
 * Why this cached task must not run: a project.json redefines one of the plugin's `go-*` named inputs, in
 * this project or in one it depends on (read through `^go-sources`). Nx merges them key by key over the
 * inferred ones, so the task hashes that instead of what Go reads, while the targets' own inputs still look
 * right. nx.json's named inputs are not a problem: the project's own win. Projects without inference's
 * digest (metadata.goNamedInputs) are not checked.
 */
export function redefinedNamedInputsError(context: Context, label: string): string | undefined {
  if (context.target?.cache !== true) return undefined;
  const projects = context.projectsConfigurations?.projects ?? {};
  const redefined = projectAndDependencies(context, context.projectName ?? '').filter((p) => !keepsNamedInputs(projects[p]));
  if (!redefined.length) return undefined;
  return (
    `${label}: the go-* named inputs of ${redefined.join(', ')} are not the ones the plugin inferred: a namedInputs entry in ` +
    `${redefined.length === 1 ? 'its' : 'their'} project.json redefines one of them (go-sources, go-context, …), and this task would be ` +
    `hashed with it. Remove that entry, or give your named input a name that does not start with "go-".`
  );
}

/** An output as Nx reads it, workspace-relative; undefined when it names an option that is not set (Nx drops it). */
function resolveOutput(output: string, root: string, project: string, options: Record<string, unknown>): string | undefined {
  let unset = false;
  const path = output
    .replace(/^\{workspaceRoot\}\/?/, '')
    .replaceAll('{projectRoot}', root)
    .replaceAll('{projectName}', project)
    .replace(/\{options\.([^}]+)\}/g, (_m, key: string) => {
      const value = options[key];
      if (value === undefined || value === null || value === '') unset = true;
      return String(value ?? '');
    });
  if (unset) return undefined;
  const normal = posix.normalize(path).replace(/\/+$/, '');
  return normal === '.' ? '' : normal;
}

/** The file and every directory above it, up to the workspace root. */
function selfAndAncestors(file: string): string[] {
  const out = [file];
  for (let dir = posix.dirname(file); dir !== '.' && dir !== '/'; dir = posix.dirname(dir)) out.push(dir);
  return out;
}

/**
 * Why this cached task must not run: its outputs, replaced by a targetDefaults entry (a JavaScript
 * workspace's `"outputs": ["{options.outputPath}"]`) or a project.json, no longer cover a file it writes
 * (`written`, workspace-relative). Nx would cache the task without that file, and a later hit would leave
 * whatever is on disk in place. An output covers a file when it names the file or a directory above it,
 * directly or as a glob, after `{workspaceRoot}`, `{projectRoot}`, `{projectName}` and `{options.…}`.
 */
export function replacedOutputsError(
  context: Pick<ExecutorContext, 'target' | 'projectName'>,
  label: string,
  root: string,
  written: readonly string[],
  options: Record<string, unknown> = {},
): string | undefined {
  const target = context.target;
  if (target?.cache !== true || written.length === 0) return undefined;
  const outputs: string[] = target.outputs ?? [];
  const resolve = (o: string) => resolveOutput(o, root, context.projectName ?? '', options) ?? [];
  // A negated output takes files out of the others: it covers nothing, and a written file it matches is not kept.
  const covered = outputs.filter((o) => !o.startsWith('!')).flatMap(resolve);
  const excluded = outputs.filter((o) => o.startsWith('!')).flatMap((o) => resolve(o.slice(1)));
  const matches = (patterns: string[], w: string) =>
    selfAndAncestors(w).some((p) => patterns.some((o) => o === '' || p === o || minimatch(p, o, { dot: true })));
  const missing = written.filter((w) => !matches(covered, w) || matches(excluded, w));
  if (!missing.length) return undefined;
  return (
    `${label}: its outputs are ${JSON.stringify(outputs)}, which do not hold ${missing.join(', ')}: a targetDefaults entry in nx.json, ` +
    `or the project's project.json, replaced the plugin's outputs. Nx would cache this task without them, and a later cache hit ` +
    `would leave whatever is on disk in place. ${FIXES}`
  );
}

/**
 * Every reason this task must not run, one per line, so one run reports them all: its inputs (`kept`), its
 * outputs (`written`, with the task's `options` for `{options.…}`), and the build jobs it waits for
 * (`deps` as written in the settings, besides metadata.jobDeps).
 */
export function overrideProblems(
  context: Context,
  label: string,
  check: { kept?: KeptInputs; root?: string; written?: readonly string[]; options?: Record<string, unknown>; deps?: readonly string[] },
): string | undefined {
  const problems = [
    check.kept && replacedInputsError(context, label, check.kept),
    redefinedNamedInputsError(context, label),
    check.root !== undefined && check.written ? replacedOutputsError(context, label, check.root, check.written, check.options) : undefined,
    jobOrderError(context, label, check.deps),
  ].filter((p): p is string => !!p);
  return problems.length ? problems.join('\n') : undefined;
}

/** This task in the run's task graph, found by its target (an executor is not told its task id). */
function selfTask(context: Context): string | undefined {
  const tasks = Object.values(context.taskGraph?.tasks ?? {}).filter(
    (t) => t.target.project === context.projectName && t.target.target === context.targetName,
  );
  const exact = tasks.find((t) => (t.target.configuration ?? '') === (context.configurationName ?? ''));
  return (exact ?? (tasks.length === 1 ? tasks[0] : undefined))?.id;
}

/** `project:target` of every task the task `id` waits for, directly or through other tasks. */
function reachedTargets(graph: Pick<TaskGraph, 'tasks' | 'dependencies'>, id: string): Set<string> {
  const reached = new Set<string>();
  const seen = new Set([id]);
  const queue = [id];
  while (queue.length) {
    for (const dep of dependencyIds(graph, queue.pop()!)) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      queue.push(dep);
      const task = graph.tasks[dep];
      if (task) reached.add(`${task.target.project}:${task.target.target}`);
    }
  }
  return reached;
}

const targetOf = (job: string) => job.slice(job.lastIndexOf(':') + 1);
const projectOfJob = (job: string) => job.slice(0, job.lastIndexOf(':'));

/** The job as a dependsOn entry of a target of `self`: `"job-gen"`, or `{"projects":["auth"],"target":"job-gen"}`. */
function asDependsOn(job: string, self: string): string {
  return projectOfJob(job) === self ? JSON.stringify(targetOf(job)) : JSON.stringify({ projects: [projectOfJob(job)], target: targetOf(job) });
}

/** Whether a dependsOn entry as configured on a target of `self` runs the job `project:target` before it. */
function reaches(entry: unknown, job: string, self: string): boolean {
  if (typeof entry === 'string') {
    if (entry.startsWith('^')) return false;
    return (entry.includes(':') ? entry : `${self}:${entry}`) === job;
  }
  const e = entry as { target?: unknown; projects?: unknown; dependencies?: unknown } | null;
  if (!e || e.dependencies === true || e.target !== targetOf(job)) return false;
  const projects = e.projects === undefined ? [self] : ([] as unknown[]).concat(e.projects);
  return projects.some((p) => (p === 'self' || p === '{self}' ? self : p) === projectOfJob(job));
}

/**
 * Why this task must not run: a job it waits for is not run before it in this run's task graph. A task's
 * hash holds each job's ID, not the files the job generates (Nx hashes files before any job runs), so
 * running without the job would compile stale or missing generated files and cache the result under the
 * job's current ID, for every later run and every machine sharing the cache. Nx never caches a failed task.
 * The jobs are inference's `metadata.jobDeps` and, from executors that read the worker's settings, `deps`
 * as written there (so a target written by hand on the plugin's executor is checked too). Undefined when
 * nothing is missing, or when there is no task graph to check (the executor was called by code).
 */
export function jobOrderError(context: Context, label: string, deps: readonly string[] = []): string | undefined {
  const self = context.projectName ?? '';
  const listed: unknown = context.target?.metadata?.[JOB_DEPS];
  const wanted = [...new Set([...(Array.isArray(listed) ? listed : []), ...deps.map(jobTaskOf)])]
    .filter((j): j is string => typeof j === 'string')
    .map((j) => (j.includes(':') ? `${projectNamed(projectOfJob(j), context.projectsConfigurations?.projects)}:${targetOf(j)}` : `${self}:${j}`));
  if (wanted.length === 0 || !context.taskGraph) return undefined;
  const id = selfTask(context);
  if (id === undefined) return undefined;
  const reached = reachedTargets(context.taskGraph, id);
  const missing = [...new Set(wanted)].filter((j) => !reached.has(j));
  if (!missing.length) return undefined;
  const them = missing.length === 1 ? 'it' : 'them';
  const entries = missing.map((j) => asDependsOn(j, self)).join(', ');
  const configured: unknown[] = context.target?.dependsOn ?? [];
  let why: string;
  if (missing.every((job) => configured.some((entry) => reaches(entry, job, self)))) {
    const targets = [...new Set([...missing.map(targetOf), context.targetName ?? ''])].join(',');
    const projects = [...new Set([self, ...missing.map(projectOfJob)])].join(',');
    why =
      `Its dependsOn lists ${them}, so this run left ${them} out (--exclude-task-dependencies). Run without that flag, or ` +
      `run ${them} in the same command, which keeps the order: nx run-many -t ${targets} -p ${projects} --exclude-task-dependencies.`;
  } else if (configured.includes('...')) {
    why = `Its dependsOn is ${JSON.stringify(configured)}, with "..." kept as written: this Nx (22) does not expand it there. Add ${entries} to that list instead.`;
  } else {
    why =
      `Its dependsOn is ${JSON.stringify(configured)}: a targetDefaults entry in nx.json, or the project's project.json, replaced ` +
      `the plugin's dependsOn, which lists ${them}. Keep the plugin's entries by starting that list with "..." (Nx 23 and later), ` +
      `or add ${entries} to it.`;
  }
  return (
    `${label}: needs ${missing.join(', ')} to run before it (its deps), but this run does not run ${them} first. ${why} ` +
    `The task's hash holds the job's ID, not the files it generates: running now would compile stale or missing generated files ` +
    `and cache the result under the job's current ID.`
  );
}
