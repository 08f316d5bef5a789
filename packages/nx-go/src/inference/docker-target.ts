// Pure: the inferred docker-build target of a worker that has a Dockerfile.
import type { TargetConfiguration } from '@nx/devkit';
import { planBuild, type Worker } from '../plan/build';
import { buildInputs, jobInput, STAMP_INPUT } from '../plan/inputs';

export const DOCKER_EXECUTOR = '@tqserver/nx-go:docker-build';

/**
 * Which container builders are installed is an input: a run that skipped (no docker) must not be a
 * cache hit once docker is there.
 */
export const BUILDERS_RUNTIME = { runtime: 'command -v docker podman buildah || echo no-container-builder' };

/**
 * The image is built from the Dockerfile (which renders build-prod's plan), the build-prod inputs, the
 * runtime directories the image carries, and the stamp the tag and build arguments come from. The image
 * lives in the builder's store, not in the workspace, so the target has no outputs: a hit means "built
 * from exactly these inputs before", and `--skip-nx-cache` builds again.
 */
export function dockerBuildTarget(worker: Worker, opts: { vendored: boolean }): TargetConfiguration {
  const job = planBuild(worker, { target: 'build-prod' }, opts);
  const inputs = [
    '{projectRoot}/Dockerfile',
    '{workspaceRoot}/.dockerignore',
    '{projectRoot}/views/**/*',
    '{projectRoot}/public/**/*',
    ...buildInputs(job),
    jobInput(job),
    BUILDERS_RUNTIME,
  ];
  if (!job.stamp) inputs.push(STAMP_INPUT);
  return {
    executor: DOCKER_EXECUTOR,
    cache: true,
    inputs,
    outputs: [],
    options: { dockerfile: `${worker.root}/Dockerfile`, image: worker.binary ?? worker.name },
    metadata: {
      technologies: ['go', 'docker'],
      description: `docker build -f ${worker.root}/Dockerfile -t ${worker.binary ?? worker.name}:<git describe> . (skipped with one line when docker is not installed)`,
    },
  };
}
