// A task that compiles what build jobs generate runs only after those jobs, in Nx's task graph.
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { JOB_DEPS } from '../plan/jobs';


/**
 * The ids of the tasks `id` depends on. Nx 22 and 23 list them as ids, Nx 24 as edges (`{ id, … }`): read
 * as ids, Nx 24's edges matched no task, so a dependent task ran beside (or after the failure of) its
 * dependency (found by review).
 */
export function dependencyIds(taskGraph: Pick<TaskGraph, 'dependencies'>, id: string): string[] {
  const deps: ReadonlyArray<string | { id: string }> = taskGraph.dependencies[id] ?? [];
  return deps.map((dep) => (typeof dep === 'string' ? dep : dep.id));
}

type Context = Pick<ExecutorContext, 'taskGraph' | 'projectName' | 'targetName' | 'configurationName' | 'target'>;

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

/** The job as a dependsOn entry of a target of `self`: `job-gen`, or `{"projects":["auth"],"target":"job-gen"}`. */
function asDependsOn(job: string, self: string | undefined): string {
  return projectOfJob(job) === self ? JSON.stringify(targetOf(job)) : JSON.stringify({ projects: [projectOfJob(job)], target: targetOf(job) });
}

/** Whether a dependsOn entry as configured names the job's target (for this project or any). */
function names(entry: unknown, job: string): boolean {
  const target = typeof entry === 'string' ? entry : (entry as { target?: unknown } | null)?.target;
  return typeof target === 'string' && (target === targetOf(job) || target.endsWith(`:${targetOf(job)}`));
}

/**
 * Why this task must not run: a job it waits for (inference's `metadata.jobDeps`) is not run before it in
 * this run's task graph. A task's hash holds each job's ID, not the files the job generates (Nx hashes
 * files before any job runs), so running without the job would compile stale or missing generated files
 * and cache the result under the job's current ID, for every later run and every machine sharing the
 * cache. Nx never caches a failed task. Undefined when nothing is missing, or when there is no task graph
 * to check (the executor was called by code, not by Nx's task runner).
 */
export function jobOrderError(context: Context, label: string): string | undefined {
  const wanted: unknown = context.target?.metadata?.[JOB_DEPS];
  if (!Array.isArray(wanted) || wanted.length === 0 || !context.taskGraph) return undefined;
  const self = selfTask(context);
  if (self === undefined) return undefined;
  const reached = reachedTargets(context.taskGraph, self);
  const missing = (wanted as unknown[]).filter((j): j is string => typeof j === 'string' && !reached.has(j));
  if (!missing.length) return undefined;
  const list = missing.join(', ');
  const them = missing.length === 1 ? 'it' : 'them';
  const configured: unknown[] = context.target?.dependsOn ?? [];
  const why = missing.every((job) => configured.some((entry) => names(entry, job)))
    ? `Its dependsOn lists ${them}, so this run left ${them} out (--exclude-task-dependencies); run without that flag.`
    : `Its dependsOn is ${JSON.stringify(configured)}: a targetDefaults entry in nx.json, or the project's project.json, ` +
      `replaced the plugin's dependsOn, which lists ${them}. Keep the plugin's entries by writing "..." in that list ` +
      `(Nx 23 and later: ["...", "^build"]), or add ${missing.map((j) => asDependsOn(j, context.projectName)).join(', ')} to it.`;
  return (
    `${label}: needs ${list} to run before it (its deps), but this run does not run ${them} first. ${why} ` +
    `The task's hash holds the job's ID, not the files it generates: running now would compile stale or missing generated files ` +
    `and cache the result under the job's current ID.`
  );
}
