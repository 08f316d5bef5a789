// What every executor needs from its context: the project's root, a label for messages, and run-time settings.
import type { ExecutorContext } from '@nx/devkit';
import { loadServerSettings, SERVER_CONFIG_FILE, type ServerSettings, type WorkerSettings } from '../config/settings';
import { loadBuildSettings } from '../config/worker-yaml';

export interface ProjectRun {
  workspaceRoot: string;
  root: string;
  /** "api: build", the prefix of every line this task prints. */
  label: string;
  name: string;
  settings: WorkerSettings;
  server: ServerSettings;
  verbose: boolean;
}

/** Throws ConfigError (file:line:col) when config.yaml, config/worker.yaml or server.yaml is invalid. */
export function projectRun(context: ExecutorContext, serverConfig = SERVER_CONFIG_FILE, verbose = false): ProjectRun {
  const name = context.projectName ?? '';
  const root = context.projectsConfigurations.projects[name].root;
  const server = loadServerSettings(context.root, serverConfig);
  return {
    workspaceRoot: context.root,
    root,
    name,
    label: `${name}: ${context.targetName ?? ''}`,
    server,
    settings: loadBuildSettings(context.root, root, server),
    verbose: verbose || context.isVerbose || process.env.NX_VERBOSE_LOGGING === 'true',
  };
}
