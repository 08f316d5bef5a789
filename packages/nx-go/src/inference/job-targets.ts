// Pure: a worker's build jobs -> `job-<name>` targets, the named inputs that hold their IDs, and the wiring of build.deps.
import type { TargetConfiguration } from '@nx/devkit';
import { isCrossProject } from '../config/jobs';
import type { Worker } from '../plan/build';
import { externalInputs, pluginRuntime, type InputDefinition } from '../plan/inputs';
import { depInputs, describeCmd, JOB_DEPS, jobDepInputs, jobDigest, jobTaskOf, jobInputName, jobOutputGlobs, jobTargetName, planJobs, runsGo, splitDep, type JobPlan } from '../plan/jobs';
import type { InferenceContext } from './targets';

const technologies = ['go'];
export const JOB_EXECUTOR = '@tqserver/nx-go:job';

/**
 * One named input per job, `go-job-<name>`: its input files, the digest of its planned commands and the
 * named inputs of its same-worker deps, so its hash is distbuild's ID (a dep's ID is part of it).
 * Outputs of jobs are never inputs: Nx takes file hashes before any job runs.
 */
export function jobNamedInputs(worker: Pick<Worker, 'root' | 'settings'>): Record<string, InputDefinition[]> {
  const outputs = ['.jobs/**', ...jobOutputGlobs(worker.settings)].map((g) => `!{projectRoot}/${g}`);
  return Object.fromEntries(
    planJobs(worker).map((plan) => [
      jobInputName(plan.name),
      [
        ...plan.inputs,
        ...outputs,
        { runtime: jobDigest(plan) },
        // The toolchain that runs a generator is part of what it makes; shell variables are not (pin them in env:).
        ...(runsGo(plan) ? [{ runtime: 'go env GOVERSION || echo go-not-found' }] : []),
        ...plan.deps.filter((d) => !isCrossProject(d)).map(jobInputName),
      ],
    ]),
  );
}

/** `dependsOn` entries for deps as written: `gen` or `project:gen`. */
function dependsOn(deps: readonly string[], self: string): NonNullable<TargetConfiguration['dependsOn']> {
  return deps.map((d) => {
    const { project, job } = splitDep(d, self);
    return project === self ? jobTargetName(job) : { projects: [project], target: jobTargetName(job) };
  });
}

/** Adds build.deps to a build, test or vet target: it waits for the jobs, and their IDs are in its hash. */
export function withBuildDeps(target: TargetConfiguration, worker: Pick<Worker, 'name' | 'settings'>): TargetConfiguration {
  const deps = worker.settings.deps;
  if (!deps.length) return target;
  return {
    ...target,
    dependsOn: [...(target.dependsOn ?? []), ...dependsOn(deps, worker.name)],
    inputs: [...(target.inputs ?? []), ...depInputs(deps, worker)],
    metadata: { ...target.metadata, [JOB_DEPS]: deps.map(jobTaskOf) },
  };
}

function jobTarget(worker: Worker, plan: JobPlan, ctx: Pick<InferenceContext, 'pluginPackage' | 'pluginIdentity' | 'serverConfig'>): TargetConfiguration {
  return {
    executor: JOB_EXECUTOR,
    cache: worker.server.cache.enabled,
    inputs: [jobInputName(plan.name), ...jobDepInputs(plan.deps, worker), externalInputs(ctx.pluginPackage), pluginRuntime(ctx.pluginIdentity)],
    outputs: [plan.outputDir, ...plan.outputs].map((o) => `{workspaceRoot}/${o}`),
    ...(plan.deps.length ? { dependsOn: dependsOn(plan.deps, worker.name) } : {}),
    // Options name only the job: its commands are hashed per task through its named input.
    options: { job: plan.name, serverConfig: ctx.serverConfig },
    metadata: {
      technologies,
      description: `Build job ${plan.name}: ${plan.cmds.length} command${plan.cmds.length === 1 ? '' : 's'} into ${plan.outputDir}`,
      ...(plan.deps.length ? { [JOB_DEPS]: plan.deps.map(jobTaskOf) } : {}),
      job: {
        cmds: plan.cmds.map(describeCmd),
        outputDir: plan.outputDir,
        outputs: plan.outputs,
        deps: plan.deps,
        inputs: plan.inputs,
      },
    },
  };
}

export function jobTargets(worker: Worker, ctx: Pick<InferenceContext, 'pluginPackage' | 'pluginIdentity' | 'serverConfig'>): Record<string, TargetConfiguration> {
  return Object.fromEntries(planJobs(worker).map((plan) => [jobTargetName(plan.name), jobTarget(worker, plan, ctx)]));
}
