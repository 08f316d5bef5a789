// Shared body of the executors that run one `go` subcommand in the module directory (test, vet, tidy, vendor).
import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { runStep } from '../run/process';
import { projectOf } from './project-settings';
import { jobOrderError, replacedInputsError, type KeptInputs } from './overrides';

export interface GoCommandOptions {
  /** Accepted and ignored: these targets read neither config/server.yaml nor config.yaml. */
  serverConfig?: string;
  verbose?: boolean;
}

/**
 * Checks that the target still has `kept` (the plugin's inputs its cache entry relies on) and its build jobs
 * before it (overrides.ts), then runs `go <args>` for each step, in the inherited environment and with no
 * timeout of ours: build.env and
 * build.timeout are for `go build` (a GOOS or CGO_ENABLED=0 there would break host tests and -race), the
 * `go env` runtime input already hashes what these commands inherit, and go test has its own -timeout.
 * Reading no config file also means a broken config.yaml fails only the build targets.
 */
export async function runGoSubcommands(
  steps: string[][],
  options: GoCommandOptions,
  context: ExecutorContext,
  kept?: KeptInputs,
): Promise<{ success: boolean }> {
  const project = projectOf(context, options.verbose);
  // go test and go vet compile what the worker's build jobs generate; cached targets keep the plugin's inputs.
  const overridden = (kept && replacedInputsError(context, project.label, kept)) || jobOrderError(context, project.label);
  if (overridden) {
    console.error(overridden);
    return { success: false };
  }
  const cwd = join(project.workspaceRoot, project.root);
  for (const args of steps) {
    const exec = ['go', ...args];
    if (project.verbose) console.info(`${project.label}: cd ${cwd} && ${exec.join(' ')}`);
    const result = await runStep({ exec }, { cwd, env: {}, label: project.label });
    if (!result.ok) {
      console.error(result.message);
      return { success: false };
    }
  }
  return { success: true };
}
