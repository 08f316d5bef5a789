// go mod vendor, optionally after go mod tidy and followed by go mod verify.
import type { ExecutorContext } from '@nx/devkit';
import { runGoSubcommands, type GoCommandOptions } from '../go-command';
import { namedKept } from '../overrides';
import { PLUGIN_RUNTIME_MARK } from '../../plan/inputs';

/** The plugin's identity marks its inputs: the module's files, the Go environment and the files git ignores. */
const VENDOR_INPUTS = namedKept("the module's Go files, go.mod and go.sum, the Go environment, and the files git ignores", (i) => typeof (i as { runtime?: unknown })?.runtime === 'string' && (i as { runtime: string }).runtime.startsWith(PLUGIN_RUNTIME_MARK));

export interface VendorExecutorOptions extends GoCommandOptions {
  tidy?: boolean;
  verify?: boolean;
}

export function vendorSteps(o: VendorExecutorOptions): string[][] {
  // A module with no external requirements makes Go print "no dependencies to vendor" and exit 0.
  return [...(o.tidy ? [['mod', 'tidy']] : []), ['mod', 'vendor'], ...(o.verify ? [['mod', 'verify']] : [])];
}

export default function vendorExecutor(options: VendorExecutorOptions, context: ExecutorContext) {
  return runGoSubcommands(vendorSteps(options), options, context, { kept: VENDOR_INPUTS, writes: ['vendor', 'go.mod', 'go.sum'] });
}
