// Runs nx in a test workspace without blocking the event loop, so that an in-process server (the remote
// cache) can answer while nx runs. Workspace.nx uses spawnSync, which would deadlock against it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseTasks, type RunResult, type Workspace } from './workspace';

export interface TimedRunResult extends RunResult {
  /** Wall-clock time of the nx process, in milliseconds. */
  ms: number;
}

export function nxAsync(ws: Workspace, args: string[], extraEnv: Record<string, string | undefined> = {}, timeoutMs = 240_000): Promise<TimedRunResult> {
  const env = { ...ws.env };
  for (const [k, v] of Object.entries(extraEnv)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const argv = [join(ws.root, 'node_modules', '.bin', 'nx'), ...args, ...(args[0] === 'show' || args[0] === 'graph' ? [] : ['--output-style=static'])];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // Its own process group, so that a timeout ends nx and every go process it started.
    const child = spawn(process.execPath, argv, { cwd: ws.root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`nx ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ code, output, tasks: parseTasks(output), ms });
    });
  });
}

/** nxAsync that must succeed; the error carries nx's whole output. */
export async function nxAsyncOk(ws: Workspace, args: string[], extraEnv: Record<string, string | undefined> = {}, timeoutMs?: number): Promise<TimedRunResult> {
  const r = await nxAsync(ws, args, extraEnv, timeoutMs);
  if (r.code !== 0) throw new Error(`nx ${args.join(' ')} exited ${r.code}:\n${r.output}`);
  return r;
}
