// The serve executor: plans the serve run from the build target's plan and the project graph, then runs a ServeSession until stopped.
import { logger, type ExecutorContext } from '@nx/devkit';
import { readWorkerFacts } from '../../config/settings';
import { loadServeSettings, loadWorkerPath } from '../../config/serve-settings';
import { kindOf, makeWorker, planBuild, type BuildJob } from '../../plan/build';
import { CONTEXT_INPUT, SOURCES_INPUT, sourceInputs } from '../../plan/inputs';
import { planServe, workerNameOf, type GraphModule, type ServePlan } from '../../plan/serve';
import { ServeSession } from '../../serve/session';
import { projectOf, projectRun } from '../project-settings';
import { overrideProblems } from '../overrides';

export interface ServeExecutorOptions {
  /** The port clients use: the proxy's (or the process's own with proxy: false). Default: workers.port_range_start + the worker's index by name. */
  port?: number;
  /** Where the proxy listens. Default 127.0.0.1. */
  host?: string;
  /** false: no proxy; the process listens on `port` itself and is restarted in place. */
  proxy?: boolean;
  /** Readiness: GET this path must answer 200 (a 404 counts as "no such endpoint": the open port is enough). false: TCP connect only. */
  healthPath?: string | false;
  args?: string[];
  env?: Record<string, string>;
  serverConfig?: string;
  /** Set by inference for TQServer's server: run from the workspace root in dev mode, on server.port, restarted in place. */
  server?: boolean;
  configError?: string;
  verbose?: boolean;
}

function isBuildJob(v: unknown): v is BuildJob {
  const j = v as BuildJob | undefined;
  return !!j && typeof j.cwd === 'string' && typeof j.output === 'string' && (Array.isArray(j.exec) || typeof j.shell === 'string');
}

/** The worker and every Go project it imports, transitively, with the inputs its build hashes (as in the build executor). */
function graphModules(context: ExecutorContext, name: string, fallback: GraphModule): GraphModule[] {
  const graph = context.projectGraph;
  const seen = new Set([name]);
  const queue = [name];
  const modules: GraphModule[] = [];
  while (queue.length) {
    const current = queue.shift()!;
    const node = graph?.nodes[current];
    const named = node?.data.namedInputs ?? {};
    const sources = named[SOURCES_INPUT] as unknown[] | undefined;
    if (current === name) modules.push(sources ? { root: node!.data.root, inputs: [...sources, ...((named[CONTEXT_INPUT] as unknown[]) ?? [])] } : fallback);
    else if (node && sources) modules.push({ root: node.data.root, inputs: sources });
    for (const dep of graph?.dependencies[current] ?? []) {
      if (!seen.has(dep.target)) {
        seen.add(dep.target);
        queue.push(dep.target);
      }
    }
  }
  return modules;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function planFromContext(options: ServeExecutorOptions, context: ExecutorContext): ServePlan {
  const run = projectRun(context, options.serverConfig, options.verbose);
  const node = context.projectGraph?.nodes[run.name];
  // The plan inference made for `build` (whatever the layout: root, main package, output); planned again only without a graph.
  const planned = node?.data.targets?.build?.metadata?.job;
  const build = isBuildJob(planned)
    ? planned
    : planBuild(makeWorker(run.name, run.root, run.settings, run.server, readWorkerFacts(run.workspaceRoot, run.root)), kindOf('build'), {
        vendored: readWorkerFacts(run.workspaceRoot, run.root).vendored,
      });
  const workers = Object.values(context.projectGraph?.nodes ?? {})
    .filter((n) => n.data.tags?.includes('go:worker'))
    .map((n) => workerNameOf({ name: n.name, root: n.data.root }));
  return planServe({
    name: run.name,
    root: run.root,
    build,
    buildTimeoutMs: run.settings.timeoutMs,
    modules: graphModules(context, run.name, { root: run.root, inputs: sourceInputs(run.settings) }),
    settings: loadServeSettings(run.workspaceRoot, options.serverConfig ?? 'config/server.yaml'),
    workers,
    workerPath: loadWorkerPath(run.workspaceRoot, run.root),
    options,
  });
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export default async function* serveExecutor(options: ServeExecutorOptions, context: ExecutorContext): AsyncGenerator<{ success: boolean; baseUrl?: string }, { success: boolean } | undefined> {
  if (options.configError) {
    logger.error(options.configError);
    return { success: false };
  }
  // Not cached: only the build jobs' order applies.
  const unordered = overrideProblems(context, projectOf(context).label, {});
  if (unordered) {
    logger.error(unordered);
    return { success: false };
  }
  let plan: ServePlan;
  try {
    plan = planFromContext(options, context);
  } catch (e) {
    logger.error(message(e));
    return { success: false };
  }
  const session = new ServeSession(
    plan,
    context.root,
    {
      info: (l) => logger.info(l),
      error: (l) => logger.error(l),
      out: (l) => process.stdout.write(`${l}\n`),
      err: (l) => process.stderr.write(`${l}\n`),
    },
    options.verbose || context.isVerbose,
  );
  let finish: (signal?: NodeJS.Signals) => void = () => undefined;
  const finished = new Promise<NodeJS.Signals | undefined>((resolve) => (finish = resolve));
  const onSignal = (signal: NodeJS.Signals) => void session.stop().then(() => finish(signal));
  // A last resort if the process exits some other way; SIGKILL of the executor itself is the watchers' job.
  const onExit = () => session.killAll();
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', onExit);
  logger.info(`${plan.label}: executor pid ${process.pid}`);
  try {
    try {
      await session.start();
    } catch (e) {
      logger.error(message(e));
      await session.stop(0);
      return { success: false };
    }
    yield { success: true, baseUrl: session.url };
    const signal = await finished;
    for (const s of SIGNALS) process.off(s, onSignal);
    // Nothing else handles the signal: end as it would have ended us, so nx sees the usual exit.
    if (signal && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
    process.off('exit', onExit);
  }
}
