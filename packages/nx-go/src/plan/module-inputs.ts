// Pure: the file inputs of TQServer's layout, where workers, the server and shared packages are projects inside one Go module.
import type { WorkerSettings } from '../config/settings';
import { WORKER_YAML_FILE } from '../config/worker-yaml';
import { sourceInputs } from './inputs';

/** Read by TQServer from disk at run time, never compiled in (an embedded file must then be listed in `sources`). */
const RUNTIME_DIRS = ['views/**', 'public/**'];

/**
 * A worker or main package that has config/worker.yaml: the seed's inputs, minus worker.yaml (its
 * build section is hashed through the planned job, the rest is TQServer's runtime config) and, unless
 * `sources` says otherwise, minus the views and public files that TQServer serves from disk.
 */
export function workerYamlSourceInputs(settings: Pick<WorkerSettings, 'sources' | 'exclude'>): string[] {
  const extra = [WORKER_YAML_FILE, ...(settings.sources ? [] : RUNTIME_DIRS)];
  return [...sourceInputs(settings), ...extra.map((p) => `!{projectRoot}/${p}`)];
}

/**
 * The module project of TQServer's layout owns go.mod, go.sum and vendor/, which every package of the
 * module builds against, and the package at the module root. Everything else it owns (docs,
 * config/server.yaml, packages nobody imports live in projects of their own) is no build input.
 */
export function moduleSourceInputs(): string[] {
  return ['go.mod', 'go.sum', 'vendor/**/*', '*.go'].map((p) => `{projectRoot}/${p}`).concat('!{projectRoot}/*_test.go');
}

/**
 * `go test ./...` at the module root tests every package of the module, including those owned by
 * other projects, so its inputs are the module's whole tree rather than the project's own files.
 */
export function moduleTestInputs(moduleRoot: string): string[] {
  const base = moduleRoot === '.' ? '{workspaceRoot}' : `{workspaceRoot}/${moduleRoot}`;
  return [`${base}/**/*`, ...['**/bin/**', '**/dist/**', '**/*.md'].map((p) => `!${base}/${p}`)];
}
