// go test ./... with the flags Go users reach for.
import type { ExecutorContext } from '@nx/devkit';
import { runGoSubcommands, type GoCommandOptions } from '../go-command';

export interface TestExecutorOptions extends GoCommandOptions {
  race?: boolean;
  count?: number;
  run?: string;
  cover?: boolean;
  coverprofile?: string;
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

export default function testExecutor(options: TestExecutorOptions, context: ExecutorContext) {
  return runGoSubcommands([testArgs(options)], options, context);
}
