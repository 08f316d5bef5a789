// The job executor: plans the worker's build job again from its config (as inference did) and runs it.
import { logger, type ExecutorContext } from '@nx/devkit';
import { findJobDigest, jobDepInputs, jobDigest, jobInputName, planJobs } from '../../plan/jobs';
import { runJob } from '../../run/job';
import { projectRun } from '../project-settings';
import { jobInputs, overrideProblems, withDepInputs } from '../overrides';
import { depDirs } from './dep-dirs';

export interface JobExecutorOptions {
  job: string;
  serverConfig?: string;
  configError?: string;
  verbose?: boolean;
}

function fail(message: string): { success: false } {
  logger.error(message);
  return { success: false };
}

export default async function jobExecutor(options: JobExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  if (options.configError) return fail(options.configError);
  let run;
  try {
    run = projectRun(context, options.serverConfig, options.verbose);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const plan = planJobs({ root: run.root, settings: run.settings }).find((p) => p.name === options.job);
  if (!plan) return fail(`${run.label}: ${run.settings.file ?? `${run.root}/config.yaml`} has no build job ${JSON.stringify(options.job)}; run the command again`);
  // The hash was computed from the job inference planned; running anything else would cache a lie.
  const hashed = findJobDigest(context.projectsConfigurations.projects[run.name]?.namedInputs?.[jobInputName(plan.name)] as unknown[] | undefined);
  if (hashed !== undefined && hashed !== jobDigest(plan)) {
    return fail(`${run.label}: the build settings changed after Nx computed this task's hash; run the command again`);
  }
  const overridden = overrideProblems(context, run.label, { kept: withDepInputs(jobInputs(plan.name), jobDepInputs(plan.deps, run)), root: run.root, written: [plan.outputDir, ...plan.outputs], deps: plan.deps });
  if (overridden) return fail(overridden);
  const deps = depDirs(plan.deps, run.name, context);
  if ('error' in deps) return fail(`${run.label}: ${deps.error}`);
  const result = await runJob(plan, {
    workspaceRoot: run.workspaceRoot,
    label: run.label,
    timeoutMs: run.settings.timeoutMs,
    deps: deps.dirs,
    verbose: run.verbose,
    log: (line) => logger.info(line),
  });
  return result.ok ? { success: true } : fail(result.message);
}
