// The plugin: createNodes, createDependencies and the pre-run remote-cache check, nothing else.
import type { CreateDependencies, CreateNodesV2, PreTasksExecution } from '@nx/devkit';
import { createGoNodes, GO_MOD_GLOB, type GoPluginOptions } from './inference/create-nodes';
import { createGoDependencies } from './graph';
import { disableFailingRemoteCache } from './run/remote-cache';

export type { GoPluginOptions } from './inference/create-nodes';

export const name = '@tqserver/nx-go';

export const createNodesV2: CreateNodesV2<GoPluginOptions> = [GO_MOD_GLOB, createGoNodes];

/** Nx 22+ reads the v2 signature under this name too. */
export const createNodes = createNodesV2;

export const createDependencies: CreateDependencies<GoPluginOptions> = (_options, context) => createGoDependencies(context);

export const preTasksExecution: PreTasksExecution<GoPluginOptions> = async () => {
  await disableFailingRemoteCache();
};
