// The plugin: createNodes, createDependencies and the pre-run remote-cache check, nothing else.
import type { CreateDependencies, CreateNodesV2, PreTasksExecution } from '@nx/devkit';
import { createLayoutNodes, LAYOUT_GLOB, type LayoutPluginOptions } from './inference/tqserver-layout';
import { createGoDependencies } from './graph';
import { disableFailingRemoteCache } from './run/remote-cache';

export type { GoPluginOptions } from './inference/create-nodes';
export type { LayoutPluginOptions } from './inference/tqserver-layout';

export const name = '@tqserver/nx-go';

/** Both layouts: go.mod per worker (the seed's), and TQServer's one module with config/worker.yaml and server/src. */
export const createNodesV2: CreateNodesV2<LayoutPluginOptions> = [LAYOUT_GLOB, createLayoutNodes];

/** Nx 22+ reads the v2 signature under this name too. */
export const createNodes = createNodesV2;

export const createDependencies: CreateDependencies<LayoutPluginOptions> = (_options, context) => createGoDependencies(context);

export const preTasksExecution: PreTasksExecution<LayoutPluginOptions> = async () => {
  await disableFailingRemoteCache();
};
