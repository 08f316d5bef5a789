// go mod tidy: rewrites go.mod and go.sum, so its target is never cached.
import type { ExecutorContext } from '@nx/devkit';
import { runGoSubcommands, type GoCommandOptions } from '../go-command';

export default function tidyExecutor(options: GoCommandOptions, context: ExecutorContext) {
  return runGoSubcommands([['mod', 'tidy']], options, context);
}
