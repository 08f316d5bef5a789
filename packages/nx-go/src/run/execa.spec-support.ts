// A stand-in for execa in unit tests: execa is ESM only, which jest's CommonJS runtime cannot load. It spawns
// the way execa does for runStep (same cwd, extended env, shell, detached group, stdio) and resolves the same fields.
import { spawn, type StdioOptions } from 'node:child_process';

interface StandInOptions {
  cwd: string;
  env: Record<string, string>;
  shell: boolean;
  detached: boolean;
  stdin: 'ignore';
  stdout: 'pipe' | 'inherit';
  stderr: 'inherit';
}

export interface StandInResult {
  failed: boolean;
  exitCode?: number;
  signal?: string;
  code?: string;
  stdout: string;
}

export function execa(file: string, args: string[], opts: StandInOptions): Promise<StandInResult> & { pid?: number } {
  const stdio: StdioOptions = [opts.stdin, opts.stdout, opts.stderr];
  const child = spawn(file, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, shell: opts.shell, detached: opts.detached, stdio });
  const done = new Promise<StandInResult>((resolve) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => resolve({ failed: true, code: e.code, stdout }));
    child.on('close', (code, signal) => resolve({ failed: code !== 0, exitCode: code ?? undefined, signal: signal ?? undefined, stdout }));
  });
  return Object.assign(done, { pid: child.pid });
}
