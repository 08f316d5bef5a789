// Pure: which files, environment and tool versions make up a Go task's hash (its job ID).
import type { TargetConfiguration } from '@nx/devkit';
import type { WorkerSettings } from '../config/settings';
import { createHash } from 'node:crypto';
import { BINARY_ENV_VARS, type BuildJob } from './build';

export type InputDefinition = NonNullable<TargetConfiguration['inputs']>[number];

/** Project-level named input holding a Go module's non-test sources; `^go-sources` pulls in dependencies'. */
export const SOURCES_INPUT = 'go-sources';
/** Named input for tests: sources plus `_test.go` and `testdata/`. */
export const TEST_SOURCES_INPUT = 'go-test-sources';

/**
 * Git facts that stamps are made from: HEAD's short commit, its commit time (so a rebuild of the same
 * commit is byte-identical) and `git describe`, both abbreviated to a fixed 12 digits so that clones of
 * different sizes agree. The same string is a runtime input, so the hash
 * covers exactly what is stamped, and the command the executor runs to get the stamps. Uncommitted
 * edits are not named here: the hash covers their content, so their binary never reaches a clean tree.
 */
export const STAMP_COMMAND =
  'TZ=UTC0 git log -1 --abbrev=12 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%h%n%cd 2>/dev/null && git describe --tags --always --abbrev=12 2>/dev/null || echo unversioned';

const root = (p: string) => `{projectRoot}/${p}`;

/** Never part of what a binary is made from: tests and the plugin's own output directories. */
const ALWAYS_EXCLUDED = ['bin/**', 'dist/**', '**/*_test.go', '**/testdata/**'];

/** Left out only when `sources` is not given; a worker that embeds docs lists them in `sources`. */
const DEFAULT_EXCLUDED = ['**/*.md'];

/** Module files and vendored code change a binary whatever `sources` says. */
const ALWAYS_INCLUDED = ['go.mod', 'go.sum', 'vendor/**/*'];

export function sourceInputs(settings?: Pick<WorkerSettings, 'sources' | 'exclude'>): string[] {
  const positive = settings?.sources ? [...settings.sources, ...ALWAYS_INCLUDED] : ['**/*'];
  const negative = [
    ...ALWAYS_EXCLUDED,
    ...(settings?.sources ? [] : DEFAULT_EXCLUDED),
    // The build section is hashed through the planned job; the rest of config.yaml is runtime config.
    'config.yaml',
    ...(settings?.exclude ?? []),
  ];
  return [...new Set(positive)].map(root).concat([...new Set(negative)].map((p) => `!${root(p)}`));
}

export function testSourceInputs(): string[] {
  return ['**/*'].map(root).concat(['bin/**', 'dist/**', '**/*.md', 'config.yaml'].map((p) => `!${root(p)}`));
}

/** `go env` reports Go's effective settings: variables, `go env -w` and the toolchain version alike. */
export function goEnvRuntime(pinned: Record<string, string> = {}, extra: readonly string[] = []): InputDefinition {
  const vars = [...BINARY_ENV_VARS.filter((v) => !(v in pinned)), ...extra];
  // A missing go must reach the executor, which explains how to fix it, rather than fail hashing.
  return { runtime: `go env GOVERSION ${vars.join(' ')} || echo go-not-found` };
}

export const WORKSPACE_GO_FILES = ['{workspaceRoot}/go.work', '{workspaceRoot}/go.work.sum'];

export function externalInputs(pluginPackage: string | null): InputDefinition {
  // Only the plugin's own version (which decides argv) may invalidate a Go build, never unrelated npm changes.
  return { externalDependencies: pluginPackage ? [pluginPackage] : [] };
}

/**
 * Without -trimpath a binary embeds the absolute paths of the workspace, GOROOT and the module cache,
 * so those paths are part of what it is made from: a checkout elsewhere must not receive it.
 */
export const WORKSPACE_PATH_RUNTIME: InputDefinition = { runtime: 'pwd -P' };

export function isTrimmed(job: Pick<BuildJob, 'exec'>): boolean {
  return job.exec?.includes('-trimpath') ?? false;
}

/**
 * Named input for what every Go task of a project shares: go.work and the plugin's version. Named
 * once per project rather than repeated in every target, since inferred configuration is sent
 * between processes and cached on every graph computation.
 */
export const CONTEXT_INPUT = 'go-context';

export function contextInputs(pluginPackage: string | null): InputDefinition[] {
  return [...WORKSPACE_GO_FILES, externalInputs(pluginPackage)];
}

export function buildInputs(job: BuildJob): InputDefinition[] {
  const trimmed = isTrimmed(job);
  const inputs: InputDefinition[] = [
    SOURCES_INPUT,
    `^${SOURCES_INPUT}`,
    CONTEXT_INPUT,
    goEnvRuntime(job.env, trimmed ? [] : ['GOROOT', 'GOMODCACHE']),
  ];
  if (!trimmed) inputs.push(WORKSPACE_PATH_RUNTIME);
  if (job.stamp) inputs.push({ runtime: STAMP_COMMAND });
  return inputs;
}

const JOB_MARK = 'echo nx-go-job';

/**
 * The planned job enters the hash here, per task. Target options would not do: Nx hashes every
 * target's options into every task of the project, so a production-only setting would rebuild the
 * development binary too.
 */
export function jobInput(job: BuildJob): InputDefinition {
  return { runtime: `${JOB_MARK} ${createHash('sha256').update(JSON.stringify(job)).digest('hex').slice(0, 32)}` };
}

export function findJobInput(inputs: readonly unknown[] | undefined): string | undefined {
  for (const i of inputs ?? []) {
    const runtime = (i as { runtime?: unknown }).runtime;
    if (typeof runtime === 'string' && runtime.startsWith(JOB_MARK)) return runtime;
  }
  return undefined;
}
