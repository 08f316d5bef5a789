// go test ./... with the flags Go users reach for.
import type { ExecutorContext } from '@nx/devkit';
import { posix, win32 } from 'node:path';
import { runGoSubcommands, type GoCommandOptions } from '../go-command';
import { projectOf } from '../project-settings';
import { TEST_INPUTS } from '../overrides';

export interface TestExecutorOptions extends GoCommandOptions {
  race?: boolean;
  count?: number;
  run?: string;
  cover?: boolean;
  coverprofile?: string;
  /** go test -timeout, and nothing else: these tasks have no timeout of their own. */
  timeout?: string;
  packages?: string;
}

export function testArgs(o: TestExecutorOptions): string[] {
  const args = ['test'];
  if (o.race) args.push('-race');
  if (o.count !== undefined) args.push(`-count=${o.count}`);
  if (o.run) args.push(`-run=${o.run}`);
  if (o.cover) args.push('-cover');
  if (o.coverprofile) args.push(`-coverprofile=${o.coverprofile}`);
  if (o.timeout) args.push(`-timeout=${o.timeout}`);
  args.push(o.packages ?? './...');
  return args;
}

/**
 * go test writes the profile relative to the module directory, and the target's output is
 * `{projectRoot}/{options.coverprofile}`: a path that leaves the module could be neither cached nor restored.
 */
export function coverprofileProblem(path: string, moduleRoot: string): string | undefined {
  const expected = `expected a file path relative to the module directory ${moduleRoot}, where go test runs, such as cover.out`;
  if (posix.isAbsolute(path) || win32.isAbsolute(path)) return `--coverprofile ${JSON.stringify(path)} is an absolute path; ${expected}`;
  const normal = posix.normalize(path.replaceAll('\\', '/'));
  if (normal === '.' || normal === '..' || normal.startsWith('../')) return `--coverprofile ${JSON.stringify(path)} is not inside the module directory; ${expected}`;
  return undefined;
}

export default async function testExecutor(options: TestExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  if (options.coverprofile) {
    const project = projectOf(context);
    const problem = coverprofileProblem(options.coverprofile, project.root);
    if (problem) {
      console.error(`${project.label}: ${problem}`);
      return { success: false };
    }
  }
  return runGoSubcommands([testArgs(options)], options, context, { kept: TEST_INPUTS, writes: options.coverprofile ? [options.coverprofile] : [] });
}
