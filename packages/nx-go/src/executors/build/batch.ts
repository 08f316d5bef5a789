// The build executor's batch implementation: one process runs every build task of an Nx run, each task still on its own.
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { dependencyIds } from '../overrides';
import { buildSession, runBuildTask, type BuildExecutorOptions, type BuildSession, type TaskOutput } from './executor';
import { INTERRUPTS, preloadExeca } from '../../run/process';
import { batchParallelism } from './parallelism';

export { batchParallelism, parallelFromArgs } from './parallelism';
export { dependencyIds } from '../overrides';

/** What Nx 22–24 take from a batch implementation's iterator, one entry per task, as soon as it ends. */
export interface BatchTaskResult {
  task: string;
  result: {
    success: boolean;
    terminalOutput: string;
    startTime: number;
    endTime: number;
    /** Read before `success` by Nx 22–24: a task that never ran is 'skipped', listed as Nx lists the tasks it did not run itself. */
    status?: 'skipped';
  };
}

/** Collects one task's output: every line it prints, in order, becomes its terminal output and so its cached log. */
function taskLog(): TaskOutput & { text(): string } {
  let text = '';
  return {
    info: (line) => (text += `${line}\n`),
    error: (line) => (text += `${line}\n`),
    chunk: (chunk) => (text += chunk),
    text: () => text,
  };
}

/**
 * Runs the batch's tasks, at most `batchParallelism` at once, and yields each task's result when it ends,
 * so Nx reports (and caches) it on its own. Per task nothing changes: its own timeout and process-group
 * kill, atomic output, --version check, log and exit status. A failure fails that task and the tasks of
 * the batch that depend on it, nothing else. After Ctrl-C, running steps are killed (by runStep) and
 * no task starts any more.
 */
export default async function* buildBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, BuildExecutorOptions>,
  _overrides: BuildExecutorOptions,
  context: ExecutorContext,
): AsyncGenerator<BatchTaskResult> {
  preloadExeca();
  const limit = batchParallelism(context);
  const session = buildSession(limit);
  // Up to `limit` more tasks than go builds are under way: they read their settings, plan and check their
  // embeds while the builds run, then wait for a free slot, so a build slot never waits for a task's setup.
  const inFlight = 2 * limit;
  const pending = new Set(Object.keys(taskGraph.tasks));
  const failed = new Set<string>();
  const running = new Map<string, Promise<BatchTaskResult>>();
  let stopped: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => (stopped ??= signal);
  for (const s of INTERRUPTS) process.on(s, onSignal);
  // Every running step listens for the same signals; many at once are expected here, not a leak.
  process.setMaxListeners(Math.max(process.getMaxListeners(), 2 * inFlight + 2 * limit + 10));

  const start = (id: string): Promise<BatchTaskResult> => {
    const task = taskGraph.tasks[id];
    const project = context.projectsConfigurations.projects[task.target.project];
    const taskContext: ExecutorContext = {
      ...context,
      projectName: task.target.project,
      targetName: task.target.target,
      configurationName: task.target.configuration,
      target: project?.targets?.[task.target.target],
    };
    const log = taskLog();
    const setUp = Date.now();
    // Nx records the task's time from startTime: the wait for a build slot is not the task's own.
    let building: number | undefined;
    const slot: BuildSession['slot'] = (fn) => session.slot(() => ((building ??= Date.now()), fn()));
    return runBuildTask(inputs[id] ?? {}, taskContext, { ...session, slot }, log)
      .catch((e: unknown) => {
        log.error(`${id}: ${e instanceof Error ? e.message : String(e)}`);
        return { success: false };
      })
      .then(({ success }) => ({ task: id, result: { success, terminalOutput: log.text(), startTime: building ?? setUp, endTime: Date.now() } }));
  };
  const blockedBy = (id: string) => dependencyIds(taskGraph, id).find((dep) => failed.has(dep) || pending.has(dep) || running.has(dep));
  const notRun = (id: string, why: string): BatchTaskResult => {
    const now = Date.now();
    return { task: id, result: { success: false, status: 'skipped', terminalOutput: `${id}: ${why}\n`, startTime: now, endTime: now } };
  };

  try {
    while (pending.size || running.size) {
      // Tasks whose dependencies failed, and all tasks once interrupted, end at once without running.
      for (const id of [...pending]) {
        const dep = blockedBy(id);
        const why = stopped ? `not started: the batch was interrupted by ${stopped}` : dep !== undefined && failed.has(dep) ? `not run: ${dep} failed` : undefined;
        if (why === undefined) continue;
        pending.delete(id);
        failed.add(id);
        yield notRun(id, why);
      }
      for (const id of [...pending]) {
        if (running.size >= inFlight) break;
        if (blockedBy(id) !== undefined) continue;
        pending.delete(id);
        running.set(id, start(id));
      }
      if (running.size === 0) {
        // Only a dependency cycle inside the batch could leave tasks that can never start.
        for (const id of pending) yield notRun(id, 'not run: its dependencies never completed');
        break;
      }
      const done = await Promise.race(running.values());
      running.delete(done.task);
      if (!done.result.success) failed.add(done.task);
      yield done;
    }
  } finally {
    for (const s of INTERRUPTS) process.off(s, onSignal);
  }
}
