// go mod vendor, optionally after go mod tidy and followed by go mod verify.
import type { ExecutorContext } from '@nx/devkit';
import { runGoSubcommands, type GoCommandOptions } from '../go-command';
import { VENDOR_INPUTS } from '../overrides';

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
