// The build executor: options are a planned BuildJob (hashed by Nx); it reads only the timeout at run time.
import { logger, type ExecutorContext } from '@nx/devkit';
import type { BuildJob } from '../../plan/build';
import { runBuildJob } from '../../run/build-job';
import { projectRun } from '../project-settings';

export interface BuildExecutorOptions extends Partial<BuildJob> {
  serverConfig?: string;
  /** Set by inference when config.yaml or server.yaml is invalid; the task fails with it. */
  configError?: string;
  verbose?: boolean;
}

export default async function buildExecutor(options: BuildExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  if (options.configError) {
    logger.error(options.configError);
    return { success: false };
  }
  let run;
  try {
    run = projectRun(context, options.serverConfig, options.verbose);
  } catch (e) {
    logger.error(e instanceof Error ? e.message : String(e));
    return { success: false };
  }
  const { cwd, env, output, exec, shell, stamp, validate } = options;
  if (cwd === undefined || output === undefined || (exec === undefined && shell === undefined)) {
    logger.error(`${run.label}: the target's options lack a build plan (cwd, output and exec or shell); let the @tqserver/nx-go plugin infer this target`);
    return { success: false };
  }
  const job: BuildJob = { cwd, env: env ?? {}, output, exec, shell, stamp: stamp ?? false, validate: validate ?? false };
  const result = await runBuildJob(job, {
    workspaceRoot: run.workspaceRoot,
    label: run.label,
    timeoutMs: run.settings.timeoutMs,
    verbose: run.verbose,
    log: (line) => logger.info(line),
  });
  if (!result.ok) logger.error(result.message ?? `${run.label} failed`);
  return { success: result.ok };
}
