// Shared body of the executors that run one `go` subcommand in the module directory (test, vet, tidy, vendor).
import { logger, type ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { runStep } from '../run/process';
import { projectRun } from './project-settings';

export interface GoCommandOptions {
  serverConfig?: string;
  verbose?: boolean;
}

export async function runGoSubcommands(
  steps: string[][],
  options: GoCommandOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  let run;
  try {
    run = projectRun(context, options.serverConfig, options.verbose);
  } catch (e) {
    logger.error(e instanceof Error ? e.message : String(e));
    return { success: false };
  }
  const cwd = join(run.workspaceRoot, run.root);
  for (const args of steps) {
    const exec = ['go', ...args];
    if (run.verbose) logger.info(`${run.label}: cd ${cwd} && ${exec.join(' ')}`);
    const result = await runStep({ exec }, { cwd, env: run.settings.env, timeoutMs: run.settings.timeoutMs, label: run.label });
    if (!result.ok) {
      logger.error(result.message);
      return { success: false };
    }
  }
  return { success: true };
}
