// The plugin: createNodes and createDependencies, nothing else.
import type { CreateDependencies, CreateNodesV2 } from '@nx/devkit';
import { createGoNodes, GO_MOD_GLOB, type GoPluginOptions } from './inference/create-nodes';
import { createGoDependencies } from './graph';

export type { GoPluginOptions } from './inference/create-nodes';

export const name = '@tqserver/nx-go';

export const createNodesV2: CreateNodesV2<GoPluginOptions> = [GO_MOD_GLOB, createGoNodes];

/** Nx 22+ reads the v2 signature under this name too. */
export const createNodes = createNodesV2;

export const createDependencies: CreateDependencies<GoPluginOptions> = (_options, context) => createGoDependencies(context);
