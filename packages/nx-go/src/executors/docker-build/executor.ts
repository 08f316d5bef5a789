// docker build (or podman/buildah) of a worker's Dockerfile, tagged and stamped from git; one line and success when no builder is installed.
import { logger, type ExecutorContext } from '@nx/devkit';
import { parseStamp, type Stamp } from '../../run/build-job';
import { runStep } from '../../run/process';
import { STAMP_COMMAND } from '../../plan/inputs';
import { projectOf } from '../project-settings';
import { DOCKER_INPUTS, jobDepInputsOf, overrideProblems, withDepInputs } from '../overrides';

export interface DockerBuildOptions {
  /** Workspace-relative Dockerfile; the build context is the workspace root. */
  dockerfile: string;
  /** Image name; the tag is the stamp's version. */
  image: string;
  /** docker (default), podman or buildah: all three take the same `build -f -t --build-arg` arguments. */
  builder?: 'docker' | 'podman' | 'buildah';
  /** Extra arguments for the builder, e.g. ["--platform=linux/arm64"]. */
  args?: string[];
}

/** Docker tags allow [A-Za-z0-9_.-], up to 128 characters, not starting with . or -. */
export function imageTag(version: string): string {
  const tag = version.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[.-]+/, '').slice(0, 128);
  return tag === '' || tag === 'unversioned' ? 'dev' : tag;
}

export function dockerArgv(options: DockerBuildOptions, stamp: Stamp): string[] {
  return [
    options.builder ?? 'docker',
    'build',
    '-f', options.dockerfile,
    '-t', `${options.image}:${imageTag(stamp.Version)}`,
    '--build-arg', `VERSION=${stamp.Version}`,
    '--build-arg', `BUILD_TIME=${stamp.BuildTime}`,
    '--build-arg', `GIT_COMMIT=${stamp.GitCommit}`,
    ...(options.args ?? []),
    '.',
  ];
}

export default async function dockerBuildExecutor(options: DockerBuildOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = projectOf(context);
  const overridden = overrideProblems(context, project.label, { kept: withDepInputs(DOCKER_INPUTS, jobDepInputsOf(context)) });
  if (overridden) {
    logger.error(overridden);
    return { success: false };
  }
  const builder = options.builder ?? 'docker';
  const probe = await runStep({ exec: [builder, '--version'] }, { cwd: context.root, env: {}, timeoutMs: 30_000, label: project.label, capture: true });
  if (!probe.ok && probe.reason === 'missing-program') {
    logger.warn(`${project.label}: ${builder} is not installed; skipped building the image ${options.image} (install docker, or pass --builder=podman or --builder=buildah)`);
    return { success: true };
  }
  const git = await runStep({ shell: STAMP_COMMAND }, { cwd: context.root, env: {}, timeoutMs: 30_000, label: `${project.label}: git`, capture: true });
  if (!git.ok) {
    logger.error(git.message);
    return { success: false };
  }
  const argv = dockerArgv(options, parseStamp(git.stdout));
  logger.info(argv.join(' '));
  const result = await runStep({ exec: argv }, { cwd: context.root, env: { DOCKER_BUILDKIT: '1' }, label: project.label });
  if (!result.ok) logger.error(result.message);
  return { success: result.ok };
}
