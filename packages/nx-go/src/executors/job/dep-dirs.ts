// Absolute output directories of a job's or a build's deps, for {{index .Deps …}}: this worker's jobs, or project:job.
import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import { jobOutputDir, splitDep } from '../../plan/jobs';
import { projectNamed } from '../project-settings';

export function depDirs(deps: readonly string[], self: string, context: ExecutorContext): { dirs: Record<string, string> } | { error: string } {
  const dirs: Record<string, string> = {};
  for (const dep of deps) {
    const { project, job } = splitDep(dep, self);
    const root = context.projectsConfigurations.projects[projectNamed(project, context.projectsConfigurations.projects)]?.root;
    if (root === undefined) return { error: `dep ${JSON.stringify(dep)} names the project ${JSON.stringify(project)}, which does not exist` };
    dirs[dep] = join(context.root, jobOutputDir(root, job));
  }
  return { dirs };
}
