// One serve run: watch -> debounce -> build -> start -> ready -> switch -> stop the old process, until stopped.
import { join } from 'node:path';
import type { ServePlan } from '../plan/serve';
import { portEnv } from '../plan/serve';
import { runBuildJob } from '../run/build-job';
import { freePort, startInstance, waitReady, type Instance } from './instance';
import { ReverseProxy } from './proxy';
import { Scheduler } from './schedule';
import { watchInputs, type InputWatcher } from './watch';

export interface SessionIO {
  /** The plugin's own lines. */
  info(line: string): void;
  error(line: string): void;
  /** The worker's stdout and stderr, already prefixed. */
  out(line: string): void;
  err(line: string): void;
}

const ms = (t: number) => `${Math.round(t)} ms`;

export class ServeSession {
  private proxy: ReverseProxy | undefined;
  private watcher: InputWatcher | undefined;
  private scheduler: Scheduler;
  private current: Instance | undefined;
  /** Every process started and not yet known to have exited: all of them die with the session. */
  private readonly live = new Set<Instance>();
  private reloads = 0;
  private stopping = false;
  private changed: string[] = [];
  private firstDone: (() => void) | undefined;

  constructor(
    private readonly plan: ServePlan,
    private readonly workspaceRoot: string,
    private readonly io: SessionIO,
    private readonly verbose = false,
  ) {
    this.scheduler = new Scheduler(plan.debounceMs, (since) => this.reload(since));
  }

  get url(): string {
    return `http://${this.plan.host}:${this.plan.port}`;
  }

  /** Listens (proxy mode), watches the inputs, then builds and starts the first process. */
  async start(): Promise<void> {
    const { plan } = this;
    if (plan.proxy) {
      this.proxy = new ReverseProxy(plan.name);
      await this.proxy.listen(plan.port, plan.host);
    }
    this.watcher = await watchInputs(this.workspaceRoot, plan.watch, (rel, event) => {
      if (this.changed.length < 3) this.changed.push(`${event} ${rel}`);
      this.scheduler.change();
    });
    this.io.info(`${plan.label}: watching ${plan.watch.paths.join(', ')} (debounce ${plan.debounceMs} ms)`);
    // Through the scheduler, so a change made during the first build gives exactly one more.
    const first = new Promise<void>((resolve) => (this.firstDone = resolve));
    this.scheduler.now();
    await first;
  }

  /** Stops everything: watcher, proxy, every process (SIGTERM, then SIGKILL after the grace period). */
  async stop(graceMs = this.plan.shutdownGraceMs): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.scheduler.close();
    await this.watcher?.close();
    await Promise.all([...this.live].map((i) => i.stop(graceMs)));
    await this.proxy?.close();
  }

  /** Synchronous last resort on process exit: SIGKILL to every process group. */
  killAll(): void {
    for (const i of this.live) i.kill();
  }

  private async reload(since: number): Promise<void> {
    try {
      await this.swap(since);
    } finally {
      this.firstDone?.();
      this.firstDone = undefined;
    }
  }

  private async swap(since: number): Promise<void> {
    if (this.stopping) return;
    const { plan } = this;
    const first = this.reloads === 0;
    const why = this.changed.splice(0);
    if (why.length) this.io.info(`${plan.label}: rebuilding (${why.join(', ')}${why.length === 3 ? ', …' : ''})`);
    const built = performance.now();
    const result = await runBuildJob(plan.build, { workspaceRoot: this.workspaceRoot, label: `${plan.name}: build`, timeoutMs: plan.buildTimeoutMs, verbose: this.verbose, log: this.io.info });
    const buildMs = performance.now() - built;
    if (this.stopping) return;
    if (!result.ok) {
      this.io.error(`${plan.label}: build failed after ${ms(buildMs)}: ${result.message ?? 'see the output above'}; ${this.current ? 'the previous build keeps serving' : 'nothing is serving yet'}. Save again to retry.`);
      return;
    }
    this.reloads++;
    const previous = this.current;
    let port: number;
    if (plan.proxy) {
      port = await freePort();
      if (this.stopping) return;
    } else {
      // In place, as air does: the old process must free the port first.
      port = plan.port;
      if (previous) {
        this.current = undefined;
        await previous.stop(plan.shutdownGraceMs);
      }
    }
    const instance = this.spawn(port);
    const notReady = await waitReady(instance, plan.healthPath, plan.healthTimeoutMs);
    if (this.stopping) return;
    if (notReady !== null) {
      await instance.stop(plan.shutdownGraceMs);
      const kept = plan.proxy && this.current ? `pid ${this.current.pid} keeps serving` : 'nothing is serving';
      this.io.error(`${plan.label}: the new process (pid ${instance.pid}) was not started: ${notReady}; ${kept}. Save again to retry.`);
      return;
    }
    this.current = instance;
    this.proxy?.switchTo(port);
    const servingMs = performance.now() - since;
    const where = plan.proxy ? `${this.url} -> 127.0.0.1:${port}` : this.url;
    this.io.info(
      first
        ? `${plan.label}: serving ${where} (pid ${instance.pid}; build ${ms(buildMs)}, ready after ${ms(servingMs)})`
        : `${plan.label}: reload #${this.reloads - 1}: build ${ms(buildMs)}, serving ${ms(servingMs)} after the change (pid ${instance.pid}, ${where})`,
    );
    if (plan.proxy && previous) {
      // Requests the old process already has finish first; only then is it asked to stop.
      await this.proxy?.drain(previous.port, plan.shutdownGraceMs);
      await previous.stop(plan.shutdownGraceMs);
    }
  }

  private spawn(port: number): Instance {
    const { plan } = this;
    const instance = startInstance(port, {
      binary: join(this.workspaceRoot, plan.binary),
      args: plan.args,
      cwd: join(this.workspaceRoot, plan.cwd),
      env: { ...plan.env, ...portEnv(port) },
      prefix: `${plan.name} | `,
      out: this.io.out,
      err: this.io.err,
    });
    this.live.add(instance);
    if (this.stopping) instance.kill();
    void instance.exited.then((exit) => {
      this.live.delete(instance);
      if (this.current !== instance || this.stopping) return;
      // Exited by itself: reported once, and started again by the next change, never in a loop.
      this.current = undefined;
      const how = exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
      this.proxy?.setUnavailable(`the worker exited (${how}); it restarts on the next change`);
      this.io.error(`${plan.label}: pid ${instance.pid} exited by itself (${how}); it is started again on the next change`);
    });
    return instance;
  }
}
