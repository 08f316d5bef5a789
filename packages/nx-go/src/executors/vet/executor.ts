// go vet ./...
import type { ExecutorContext } from '@nx/devkit';
import { runGoSubcommands, type GoCommandOptions } from '../go-command';
import { TEST_INPUTS } from '../overrides';

export default function vetExecutor(options: GoCommandOptions & { packages?: string }, context: ExecutorContext) {
  return runGoSubcommands([['vet', options.packages ?? './...']], options, context, { kept: TEST_INPUTS });
}
