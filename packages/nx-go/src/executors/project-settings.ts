// What every executor needs from its context: the project's root, a label for messages, and (builds only) run-time settings.
import type { ExecutorContext } from '@nx/devkit';
import { loadServerSettings, SERVER_CONFIG_FILE, type ServerSettings, type WorkerSettings } from '../config/settings';
import { loadBuildSettings } from '../config/worker-yaml';
import { DEP_NAME } from '../plan/jobs';

export interface Project {
  workspaceRoot: string;
  root: string;
  /** "api: build", the prefix of every line this task prints. */
  label: string;
  name: string;
  verbose: boolean;
}

export interface ProjectRun extends Project {
  settings: WorkerSettings;
  server: ServerSettings;
}

/** The project as the context names it; reads no file, so it cannot fail on a broken config. */
export function projectOf(context: ExecutorContext, verbose = false): Project {
  const name = context.projectName ?? '';
  return {
    workspaceRoot: context.root,
    root: context.projectsConfigurations.projects[name].root,
    name,
    label: `${name}: ${context.targetName ?? ''}`,
    verbose: verbose || context.isVerbose || process.env.NX_VERBOSE_LOGGING === 'true',
  };
}

/** For the build targets. Throws ConfigError (file:line:col) when config.yaml, config/worker.yaml or server.yaml is invalid. */
export function projectRun(
  context: ExecutorContext,
  serverConfig = SERVER_CONFIG_FILE,
  verbose = false,
  loadServer: (root: string, file: string) => ServerSettings = loadServerSettings,
): ProjectRun {
  const project = projectOf(context, verbose);
  const server = loadServer(context.root, serverConfig);
  return { ...project, server, settings: loadBuildSettings(context.root, project.root, server) };
}

/**
 * The project that `name` means in a build job dep (`auth:routes`): the worker inference named so (its
 * metadata keeps that name after a project.json renames it, and Nx maps the inferred dependsOn to it the
 * same way), else the project of that name.
 */
export function projectNamed(name: string, projects: Readonly<Record<string, { metadata?: Record<string, unknown> }>> | undefined): string {
  const inferred = Object.keys(projects ?? {}).filter((p) => projects![p].metadata?.[DEP_NAME] === name);
  return inferred.length === 1 ? inferred[0] : name;
}
