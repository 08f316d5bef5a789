// go vet ./...
import type { ExecutorContext } from '@nx/devkit';
import { runGoSubcommands, type GoCommandOptions } from '../go-command';

export default function vetExecutor(options: GoCommandOptions & { packages?: string }, context: ExecutorContext) {
  return runGoSubcommands([['vet', options.packages ?? './...']], options, context);
}
