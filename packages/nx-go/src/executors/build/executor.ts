// The build executor: plans the job again from config.yaml and server.yaml (as inference did) and runs it.
import type { ExecutorContext } from '@nx/devkit';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadServerSettings, readWorkerFacts, type ServerSettings } from '../../config/settings';
import { kindOf, makeWorker, outputPath, planBuild, planMatrix, platformName, targetPlatforms, type BuildJob, type Worker } from '../../plan/build';
import { replacedModules, type DiskScope } from '../../plan/disk-inputs';
import { findJobInput, jobInput, SOURCES_INPUT, sourceInputs } from '../../plan/inputs';
import { depInputs } from '../../plan/jobs';
import { readStamp, runBuildJob, type StampResult } from '../../run/build-job';
import { INTERRUPTS } from '../../run/process';
import { gitIgnoredFiles, isWorkTree, unhashableWorkspace, unhashedEmbeds, type EmbedScan, type HashedModule } from '../../run/embeds';
import { projectRun } from '../project-settings';
import { buildInputsKept, overrideProblems, withDepInputs } from '../overrides';
import { depDirs } from '../job/dep-dirs';
import { batchParallelism, defaultParallelism, limiter } from './parallelism';

export interface BuildExecutorOptions {
  /** Which job: build (development), build-prod, or cross-compile (every platform of the matrix). */
  target?: 'build' | 'build-prod' | 'cross-compile';
  /** "goos/goarch": cross-compile builds this one platform instead of the matrix. */
  platform?: string;
  serverConfig?: string;
  /** The binary's name when it is not the project's (TQServer's server is built to server/bin/tqserver). */
  binary?: string;
  /** Set by inference when config.yaml or server.yaml is invalid; the task fails with it. */
  configError?: string;
  verbose?: boolean;
}

/**
 * What the tasks of one run share and need only once: server.yaml, the git stamp, whether this is a git
 * work tree, the //go:embed scan of each library and the nesting of project roots. A single task gets a
 * session of its own; a batch (./batch.ts) shares one among all its tasks.
 */
export interface BuildSession {
  server(workspaceRoot: string, file: string): ServerSettings;
  stamp(workspaceRoot: string, label: string): Promise<StampResult>;
  workTree(workspaceRoot: string): boolean;
  embeds: EmbedScan;
  nested: Map<string, string[]>;
  /** Runs one go build when a slot is free: every build of the run, a cross-compile task's platforms included, shares them. */
  slot: <T>(fn: () => Promise<T>) => Promise<T>;
}

export function buildSession(parallelism = defaultParallelism()): BuildSession {
  const servers = new Map<string, ServerSettings>();
  let stamp: Promise<StampResult> | undefined;
  let workTree: boolean | undefined;
  return {
    // A config error is thrown again for every task that reads the file, so each one reports it.
    server: (root, file) => servers.get(file) ?? servers.set(file, loadServerSettings(root, file)).get(file)!,
    stamp: (root, label) => (stamp ??= readStamp(root, label)),
    workTree: (root) => (workTree ??= isWorkTree(root)),
    embeds: new Map(),
    nested: new Map(),
    slot: limiter(parallelism),
  };
}

/** Where a task's messages and its steps' output go: the terminal for one task, the task's own log in a batch. */
export interface TaskOutput {
  info(line: string): void;
  error(line: string): void;
  chunk?: (text: string) => void;
}

const terminal: TaskOutput = { info: (line) => console.info(line), error: (line) => console.error(line) };

/** Roots of the projects inside `root` (TQServer's layout: the module at `.` holds packages, workers and the server). */
function nestedRoots(graph: NonNullable<ExecutorContext['projectGraph']>, root: string, session: BuildSession): string[] {
  let nested = session.nested.get(root);
  if (nested === undefined) {
    nested = Object.values(graph.nodes)
      .map((n) => n.data.root)
      .filter((r) => r !== root && (root === '.' || root === '' ? r !== '.' && r !== '' : r.startsWith(`${root}/`)));
    session.nested.set(root, nested);
  }
  return nested;
}

/** The worker and every Go module it reaches in the project graph, with the inputs each one hashes. */
function hashedModules(context: ExecutorContext, name: string, fallback: HashedModule, session: BuildSession): HashedModule[] {
  const graph = context.projectGraph;
  const seen = new Set<string>([name]);
  const queue = [name];
  const modules: HashedModule[] = [];
  while (queue.length) {
    const current = queue.shift()!;
    const node = graph?.nodes[current];
    const inputs = node?.data.namedInputs?.[SOURCES_INPUT];
    const nested = node ? nestedRoots(graph!, node.data.root, session) : [];
    if (current === name) modules.push(inputs ? { root: node!.data.root, inputs: inputs as string[], nested } : fallback);
    else if (node && inputs) modules.push({ root: node.data.root, inputs: inputs as string[], nested });
    for (const dep of graph?.dependencies[current] ?? []) {
      if (!seen.has(dep.target)) {
        seen.add(dep.target);
        queue.push(dep.target);
      }
    }
  }
  return modules;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What one task runs: its jobs (a cross-compile task: one per platform), the job input it must hash, the stale outputs it removes. */
interface TaskPlan {
  jobs: { job: BuildJob; label: string }[];
  hashed: string;
  stale: string[];
  /** Why a cross-compile task builds nothing. */
  note?: string;
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9]+$/;

function planTask(worker: Worker, target: string, options: BuildExecutorOptions, vendored: boolean, label: string): TaskPlan {
  if (target !== 'cross-compile') {
    const job = planBuild(worker, kindOf(target), { vendored });
    return { jobs: [{ job, label }], hashed: runtimeOf(jobInput(job)), stale: [] };
  }
  const matrix = planMatrix(worker, { vendored });
  let chosen = matrix;
  let note: string | undefined;
  if (options.platform !== undefined) {
    // A bare --platform reaches here as true, --platform=123 as a number.
    const given: unknown = options.platform;
    if (typeof given !== 'string' || !PLATFORM.test(given)) throw new Error(`${label}: --platform ${JSON.stringify(given)} is not valid; expected goos/goarch, e.g. linux/arm64`);
    // One platform of the matrix: the worker's matrix and ignore list decide, so one command can split
    // every worker's matrix across CI machines, and the job run is always one the task hashed.
    chosen = matrix.filter((m) => platformName(m.platform) === options.platform);
    if (!chosen.length) note = `${label}: ${options.platform} is not in ${worker.name}'s matrix (${matrix.map((m) => platformName(m.platform)).join(', ') || 'empty'}); nothing to build`;
  } else if (!matrix.length) {
    note = `${label}: the cross-compile matrix is empty; nothing to build`;
  }
  // Every declared output this run does not write goes: Nx would otherwise cache an older run's binary with it.
  const written = new Set(chosen.map((m) => m.job.output));
  const stale = targetPlatforms(worker).map((platform) => outputPath(worker, { target: 'cross-compile', platform })).filter((o) => !written.has(o));
  return {
    jobs: chosen.map(({ platform, job }) => ({ job, label: `${label} ${platformName(platform)}` })),
    hashed: runtimeOf(jobInput(matrix.map((m) => m.job))),
    stale,
    note,
  };
}

const runtimeOf = (input: unknown) => (input as { runtime: string }).runtime;

/** One build task, start to end: plan, check the hash still describes the plan, guard embeds, run its jobs. */
export async function runBuildTask(
  options: BuildExecutorOptions,
  context: ExecutorContext,
  session: BuildSession,
  out: TaskOutput = terminal,
): Promise<{ success: boolean }> {
  const fail = (text: string) => {
    out.error(text);
    return { success: false };
  };
  if (options.configError) return fail(options.configError);
  let run;
  let plan: TaskPlan;
  try {
    run = projectRun(context, options.serverConfig, options.verbose, session.server);
    const facts = readWorkerFacts(run.workspaceRoot, run.root);
    const worker = makeWorker(run.name, run.root, run.settings, run.server, facts, options.binary);
    plan = planTask(worker, options.target ?? context.targetName ?? '', options, facts.vendored, run.label);
  } catch (e) {
    return fail(message(e));
  }
  const written = plan.jobs.map(({ job }) => job.output);
  const jobDeps = plan.jobs[0]?.job.deps ?? [];
  const kept = withDepInputs(buildInputsKept(plan.jobs.map(({ job }) => job)), depInputs(jobDeps, run));
  const overridden = overrideProblems(context, run.label, { kept, root: run.root, written, deps: jobDeps });
  if (overridden) return fail(overridden);
  // The hash was computed from the jobs inference planned; building anything else would cache a lie.
  const hashed = findJobInput(context.target?.inputs);
  if (hashed !== undefined && hashed !== plan.hashed) {
    return fail(`${run.label}: the build settings changed after Nx computed this task's hash; run the command again`);
  }
  const goModFile = join(run.workspaceRoot, run.root, 'go.mod');
  const goMod = existsSync(goModFile) ? readFileSync(goModFile, 'utf8') : '';
  // The jobs of a task differ only in GOOS, GOARCH and the output: one check covers them all.
  const disk: DiskScope = { root: run.root, ...replacedModules(run.root, goMod), settings: run.settings, flagFiles: plan.jobs[0]?.job.files ?? [] };
  const modules = hashedModules(context, run.name, { root: run.root, inputs: sourceInputs(run.settings) }, session);
  const git = gitIgnoredFiles(run.workspaceRoot, disk, () => session.workTree(run.workspaceRoot));
  const unhashable = unhashableWorkspace(run.workspaceRoot, git, run.label);
  if (unhashable) return fail(unhashable);
  const embeds = unhashedEmbeds(run.workspaceRoot, modules, git, session.embeds);
  if (embeds.length) return fail(`${run.label}: ${embeds.join('\n')}`);
  const deps = depDirs(jobDeps, run.name, context);
  if ('error' in deps) return fail(`${run.label}: ${deps.error}`);
  const { workspaceRoot, settings, verbose } = run;
  for (const file of plan.stale) rmSync(join(workspaceRoot, file), { force: true });
  if (plan.note) out.info(plan.note);
  // After Ctrl-C (or SIGTERM), the running builds are killed by runStep and no waiting platform starts.
  let stopped: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => (stopped ??= signal);
  for (const s of INTERRUPTS) process.on(s, onSignal);
  const runJob = ({ job, label }: TaskPlan['jobs'][number]) =>
    session.slot(async () =>
      stopped ? { ok: false, message: `${label}: not started: interrupted by ${stopped}` } : runBuildJob(job, {
        deps: deps.dirs,
        workspaceRoot,
        label,
        timeoutMs: settings.timeoutMs,
        verbose,
        log: (line) => out.info(line),
        onOutput: out.chunk,
        readStamp: () => session.stamp(workspaceRoot, run.label),
      }),
    );
  // server.yaml's parallel: false runs a matrix one platform at a time, as it runs tasks one at a time.
  const results = [];
  try {
    if (run.server.parallel) results.push(...(await Promise.all(plan.jobs.map(runJob))));
    else for (const j of plan.jobs) results.push(await runJob(j));
  } finally {
    for (const s of INTERRUPTS) process.off(s, onSignal);
  }
  const failed = results.flatMap((r, i) => (r.ok ? [] : [r.message ?? `${plan.jobs[i].label} failed`]));
  return failed.length ? fail(failed.join('\n')) : { success: true };
}

export default async function buildExecutor(options: BuildExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const parallelism = batchParallelism(context);
  // A cross-compile task's running platforms each listen for the interrupt signals, as the task does.
  process.setMaxListeners(Math.max(process.getMaxListeners(), 2 * parallelism + 10));
  return runBuildTask(options, context, buildSession(parallelism));
}
