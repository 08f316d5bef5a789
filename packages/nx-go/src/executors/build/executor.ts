// The build executor: plans the job again from config.yaml and server.yaml (as inference did) and runs it.
import { logger, type ExecutorContext } from '@nx/devkit';
import { readWorkerFacts } from '../../config/settings';
import { kindOf, makeWorker, planBuild } from '../../plan/build';
import { findJobInput, jobInput, SOURCES_INPUT, sourceInputs } from '../../plan/inputs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replacedModules, type DiskScope } from '../../plan/disk-inputs';
import { gitIgnoredFiles, unhashableWorkspace, unhashedEmbeds, type HashedModule } from '../../run/embeds';
import { runBuildJob } from '../../run/build-job';
import { projectRun } from '../project-settings';

export interface BuildExecutorOptions {
  /** Which job: build (development), build-prod, or cross-compile with `platform`. */
  target?: 'build' | 'build-prod' | 'cross-compile';
  /** "goos/goarch", for cross-compile. */
  platform?: string;
  serverConfig?: string;
  /** The binary's name when it is not the project's (TQServer's server is built to server/bin/tqserver). */
  binary?: string;
  /** Set by inference when config.yaml or server.yaml is invalid; the task fails with it. */
  configError?: string;
  verbose?: boolean;
}

/** Roots of the projects inside `root` (TQServer's layout: the module at `.` holds packages, workers and the server). */
function nestedRoots(graph: NonNullable<ExecutorContext['projectGraph']>, root: string): string[] {
  return Object.values(graph.nodes)
    .map((n) => n.data.root)
    .filter((r) => r !== root && (root === '.' || root === '' ? r !== '.' && r !== '' : r.startsWith(`${root}/`)));
}

/** The worker and every Go module it reaches in the project graph, with the inputs each one hashes. */
function hashedModules(context: ExecutorContext, name: string, fallback: HashedModule): HashedModule[] {
  const graph = context.projectGraph;
  const seen = new Set<string>([name]);
  const queue = [name];
  const modules: HashedModule[] = [];
  while (queue.length) {
    const current = queue.shift()!;
    const node = graph?.nodes[current];
    const inputs = node?.data.namedInputs?.[SOURCES_INPUT];
    const nested = node ? nestedRoots(graph!, node.data.root) : [];
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

function fail(message: string): { success: false } {
  logger.error(message);
  return { success: false };
}

export default async function buildExecutor(options: BuildExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  if (options.configError) return fail(options.configError);
  let run;
  let job;
  try {
    run = projectRun(context, options.serverConfig, options.verbose);
    const facts = readWorkerFacts(run.workspaceRoot, run.root);
    const worker = makeWorker(run.name, run.root, run.settings, run.server, facts, options.binary);
    job = planBuild(worker, kindOf(options.target ?? context.targetName ?? '', options.platform), { vendored: facts.vendored });
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  // The hash was computed from the job inference planned; building anything else would cache a lie.
  const hashed = findJobInput(context.target?.inputs);
  if (hashed !== undefined && hashed !== (jobInput(job) as { runtime: string }).runtime) {
    return fail(`${run.label}: the build settings changed after Nx computed this task's hash; run the command again`);
  }
  const goMod = existsSync(join(run.workspaceRoot, run.root, 'go.mod')) ? readFileSync(join(run.workspaceRoot, run.root, 'go.mod'), 'utf8') : '';
  const disk: DiskScope = { root: run.root, ...replacedModules(run.root, goMod), settings: run.settings, flagFiles: job.files ?? [] };
  const modules = hashedModules(context, run.name, { root: run.root, inputs: sourceInputs(run.settings) });
  const git = gitIgnoredFiles(run.workspaceRoot, disk);
  const unhashable = unhashableWorkspace(run.workspaceRoot, git, run.label);
  if (unhashable) return fail(unhashable);
  const embeds = unhashedEmbeds(run.workspaceRoot, modules, git);
  if (embeds.length) return fail(`${run.label}: ${embeds.join('\n')}`);
  const result = await runBuildJob(job, {
    workspaceRoot: run.workspaceRoot,
    label: run.label,
    timeoutMs: run.settings.timeoutMs,
    verbose: run.verbose,
    log: (line) => logger.info(line),
  });
  return result.ok ? { success: true } : fail(result.message ?? `${run.label} failed`);
}
