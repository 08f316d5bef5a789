// Pure: the file inputs of TQServer's layout, where workers, the server and shared packages are projects inside one Go module.
import type { WorkerSettings } from '../config/settings';
import { WORKER_YAML_FILE } from '../config/worker-yaml';
import { sourceInputs, testSourceInputs } from './inputs';

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

/** Tests of such a worker: the seed's test inputs, minus worker.yaml, which `go test` never applies. */
export function workerYamlTestInputs(settings: Pick<WorkerSettings, 'jobs'>): string[] {
  return [...testSourceInputs(settings), `!{projectRoot}/${WORKER_YAML_FILE}`];
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
 * Tests of the package at the module root (`go test .`): its top-level files and testdata. The other
 * packages of the module test themselves, each in its own project. No `{workspaceRoot}` glob here:
 * Nx would count every file it matches as touching this project, and with it everything in the module.
 */
export function moduleTestInputs(): string[] {
  return ['*', 'testdata/**/*', 'vendor/**/*'].map((p) => `{projectRoot}/${p}`).concat('!{projectRoot}/*.md');
}
