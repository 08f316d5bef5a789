// How many go builds run at once: Nx's parallelism, read as Nx reads it, shared by every job of a run.
import type { ExecutorContext } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Nx's own rule (readParallelFromArgsAndEnv): `--parallel`, `--parallel=N`, `--parallel=false`, `--maxParallel=N`. */
export function parallelFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): number | undefined {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(parallel|maxParallel|max-parallel)(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    const next = argv[i + 1];
    args[m[1] === 'max-parallel' ? 'maxParallel' : m[1]] = m[2] ?? (next !== undefined && !next.startsWith('-') ? (i++, next) : '');
  }
  const count = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined);
  if (args.parallel === 'false') return 1;
  if (args.parallel === 'true' || args.parallel === '' || (env.NX_PARALLEL && args.parallel === undefined)) {
    return count(args.maxParallel) ?? count(env.NX_PARALLEL) ?? 3;
  }
  return count(args.parallel);
}

/** The command line of the nx process that forked this batch worker (Linux only; elsewhere, none). */
function parentArgv(): string[] {
  try {
    return readFileSync(`/proc/${process.ppid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * When nothing sets the parallelism: Nx's default, 3, but no more builds than CPUs. One go build already
 * spreads its compiles over every CPU (go's own -p), so a third build on two CPUs only slows the other
 * two: 100 relinking builds on 2 CPUs took 17.2 s three at a time and 14.9 s two at a time.
 */
export function defaultParallelism(cpus = availableParallelism()): number {
  return Math.max(1, Math.min(3, cpus));
}

/**
 * How many tasks the batch runs at once. Nx runs a batch alone (its scheduler waits for it) but does not
 * tell the batch worker its parallelism: it is read as Nx reads it, from the nx command line, then
 * NX_PARALLEL, then nx.json `parallel` (which `nx g @tqserver/nx-go:init` fills from max_parallel), then
 * defaultParallelism: a number the user set is always taken as given.
 */
export function batchParallelism(context: Pick<ExecutorContext, 'nxJsonConfiguration'>, argv = parentArgv(), env = process.env, cpus = availableParallelism()): number {
  const fromNxJson = Number(context.nxJsonConfiguration?.parallel);
  return parallelFromArgs(argv, env) ?? (Number.isInteger(fromNxJson) && fromNxJson > 0 ? fromNxJson : defaultParallelism(cpus));
}

/**
 * Runs at most `n` of the functions given to it at once, the rest in call order as slots free up. A
 * batch shares one among all its tasks, so a cross-compile task's platforms and other tasks' builds
 * together never run more go builds than Nx's parallelism.
 */
export function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await fn();
    } finally {
      // A freed slot passes straight to the next waiter, so `active` only drops when nobody waits.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
