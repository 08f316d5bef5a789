// When to rebuild: a debounce and at most one build at a time, with exactly one more for changes made during a build.

export type Phase = 'idle' | 'waiting' | 'building';

export interface ScheduleState {
  phase: Phase;
  /** A change arrived during the current build: one more build follows it. */
  dirty: boolean;
  /** When the first change of the burst being waited for (or built) arrived; for the time-to-serving line. */
  since?: number;
}

export type ScheduleEvent =
  | { type: 'change'; at: number }
  /** Build as soon as possible, without waiting for quiet (the first build of a run). */
  | { type: 'now'; at: number }
  /** The debounce timer ran out: no change for debounce_ms. */
  | { type: 'quiet' }
  /** The build (and the swap that follows it) finished, whatever its outcome. */
  | { type: 'done' };

/** `arm` (re)starts the debounce timer; `build` starts a build of the burst that began at `since`. */
export type Effect = { type: 'arm' } | { type: 'build'; since: number };

export const INITIAL: ScheduleState = { phase: 'idle', dirty: false };

/** Pure transition function; the Scheduler below gives it real timers. */
export function transition(state: ScheduleState, event: ScheduleEvent): { state: ScheduleState; effects: Effect[] } {
  switch (state.phase) {
    case 'idle':
    case 'waiting':
      if (event.type === 'now') return { state: { phase: 'building', dirty: false }, effects: [{ type: 'build', since: state.since ?? event.at }] };
  }
  switch (state.phase) {
    case 'idle':
      if (event.type === 'change') return { state: { phase: 'waiting', dirty: false, since: event.at }, effects: [{ type: 'arm' }] };
      return { state, effects: [] };
    case 'waiting':
      // Every change restarts the quiet period, so a burst of saves gives one build.
      if (event.type === 'change') return { state, effects: [{ type: 'arm' }] };
      if (event.type === 'quiet') return { state: { phase: 'building', dirty: false }, effects: [{ type: 'build', since: state.since ?? 0 }] };
      return { state, effects: [] };
    case 'building':
      // Not a second build at once: remember that one more is due, from the first change that missed this one.
      if (event.type === 'change' || event.type === 'now') return { state: { phase: 'building', dirty: true, since: state.dirty ? state.since : event.at }, effects: [] };
      if (event.type === 'done') {
        if (!state.dirty) return { state: INITIAL, effects: [] };
        // The burst may still be going on: wait for quiet again, then build once.
        return { state: { phase: 'waiting', dirty: false, since: state.since }, effects: [{ type: 'arm' }] };
      }
      return { state, effects: [] };
  }
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Runs `build` as the transitions say. `build` never runs twice at once; its failures are its own to report. */
export class Scheduler {
  private state = INITIAL;
  private timer: unknown;
  private closed = false;

  constructor(
    private readonly debounceMs: number,
    private readonly build: (since: number) => Promise<void>,
    private readonly clock: Clock = realClock,
  ) {}

  change(): void {
    this.send({ type: 'change', at: this.clock.now() });
  }

  /** Builds at once (or right after the build under way). */
  now(): void {
    this.send({ type: 'now', at: this.clock.now() });
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
  }

  get phase(): Phase {
    return this.state.phase;
  }

  private send(event: ScheduleEvent): void {
    if (this.closed) return;
    const { state, effects } = transition(this.state, event);
    this.state = state;
    for (const effect of effects) {
      if (effect.type === 'arm') {
        if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
        this.timer = this.clock.setTimeout(() => {
          this.timer = undefined;
          this.send({ type: 'quiet' });
        }, this.debounceMs);
      } else {
        void this.build(effect.since)
          .catch(() => undefined)
          .then(() => this.send({ type: 'done' }));
      }
    }
  }
}
