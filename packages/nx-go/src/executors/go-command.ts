// Shared body of the executors that run one `go` subcommand in the module directory (test, vet, tidy, vendor).
import type { ExecutorContext } from '@nx/devkit';
import { join, posix } from 'node:path';
import { runStep } from '../run/process';
import { projectOf } from './project-settings';
import { jobDepInputsOf, overrideProblems, withDepInputs, type KeptInputs } from './overrides';

export interface GoCommandOptions {
  /** Accepted and ignored: these targets read neither config/server.yaml nor config.yaml. */
  serverConfig?: string;
  verbose?: boolean;
}

/**
 * Checks that the target still has `kept` (the plugin's inputs its cache entry relies on), outputs that hold
 * `writes` (relative to the module) and its build jobs before it (overrides.ts), then runs `go <args>` for each step, in the inherited environment and with no
 * timeout of ours: build.env and
 * build.timeout are for `go build` (a GOOS or CGO_ENABLED=0 there would break host tests and -race), the
 * `go env` runtime input already hashes what these commands inherit, and go test has its own -timeout.
 * Reading no config file also means a broken config.yaml fails only the build targets.
 */
export async function runGoSubcommands(
  steps: string[][],
  options: GoCommandOptions,
  context: ExecutorContext,
  check: { kept?: KeptInputs; writes?: string[] } = {},
): Promise<{ success: boolean }> {
  const project = projectOf(context, options.verbose);
  // go test and go vet compile what the worker's build jobs generate; cached targets keep the plugin's inputs and outputs.
  const written = (check.writes ?? []).map((w) => posix.join(project.root, w));
  const kept = check.kept && withDepInputs(check.kept, jobDepInputsOf(context));
  const overridden = overrideProblems(context, project.label, { kept, root: project.root, written, options: options as Record<string, unknown> });
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
