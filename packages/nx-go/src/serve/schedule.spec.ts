// Specifies the rebuild schedule: debounce, one build at a time, one more for changes during a build.
import { INITIAL, Scheduler, transition, type Clock, type ScheduleEvent, type ScheduleState } from './schedule';

const change = (at: number): ScheduleEvent => ({ type: 'change', at });
const quiet: ScheduleEvent = { type: 'quiet' };
const done: ScheduleEvent = { type: 'done' };

/** Feeds events from the initial state; returns the final state and every effect, in order. */
function run(events: ScheduleEvent[]): { state: ScheduleState; effects: string[] } {
  let state = INITIAL;
  const effects: string[] = [];
  for (const e of events) {
    const r = transition(state, e);
    state = r.state;
    effects.push(...r.effects.map((x) => (x.type === 'build' ? `build@${x.since}` : x.type)));
  }
  return { state, effects };
}

describe('transition', () => {
  it.each<[string, ScheduleEvent[], string[], ScheduleState['phase']]>([
    ['a change arms the timer', [change(1)], ['arm'], 'waiting'],
    ['quiet after a change builds the burst from its first change', [change(1), quiet], ['arm', 'build@1'], 'building'],
    ['a burst re-arms on each save and builds once', [change(1), change(2), change(3), quiet], ['arm', 'arm', 'arm', 'build@1'], 'building'],
    ['a build with no change during it ends idle', [change(1), quiet, done], ['arm', 'build@1'], 'idle'],
    ['a change during a build waits for the build, then debounces again', [change(1), quiet, change(5), done], ['arm', 'build@1', 'arm'], 'waiting'],
    ['many changes during a build give exactly one more build, from the first of them', [change(1), quiet, change(5), change(6), change(7), done, quiet], ['arm', 'build@1', 'arm', 'build@5'], 'building'],
    ['now builds at once from idle', [{ type: 'now', at: 3 }], ['build@3'], 'building'],
    ['now while waiting builds at once, from the first change', [change(1), { type: 'now', at: 3 }], ['arm', 'build@1'], 'building'],
    ['now during a build gives one more after it', [change(1), quiet, { type: 'now', at: 4 }, done], ['arm', 'build@1', 'arm'], 'waiting'],
    ['a stale timer in idle does nothing', [quiet], [], 'idle'],
    ['a stale timer during a build does nothing', [change(1), quiet, quiet], ['arm', 'build@1'], 'building'],
    ['a stray done in idle does nothing', [done], [], 'idle'],
  ])('%s', (_name, events, effects, phase) => {
    const r = run(events);
    expect(r.effects).toEqual(effects);
    expect(r.state.phase).toBe(phase);
  });
});

/** A clock whose timers fire only when the test advances it. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let next = 0;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
    advance(ms) {
      now += ms;
      for (const t of timers.filter((t) => t.at <= now)) {
        timers = timers.filter((x) => x !== t);
        t.fn();
      }
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('Scheduler', () => {
  it('gives one build for ten saves 10 ms apart with a 50 ms debounce, and none before the quiet period', async () => {
    const clock = fakeClock();
    const builds: number[] = [];
    const s = new Scheduler(50, async (since) => void builds.push(since), clock);
    for (let i = 0; i < 10; i++) {
      s.change();
      clock.advance(10);
    }
    expect(builds).toEqual([]);
    clock.advance(49);
    expect(builds).toEqual([0]);
    await flush();
    expect(s.phase).toBe('idle');
  });

  it('never runs two builds at once, and runs one more after a build that saw changes', async () => {
    const clock = fakeClock();
    let release: () => void = () => undefined;
    let running = 0;
    let maxRunning = 0;
    let count = 0;
    const s = new Scheduler(
      20,
      () =>
        new Promise<void>((resolve) => {
          count++;
          running++;
          maxRunning = Math.max(maxRunning, running);
          release = () => {
            running--;
            resolve();
          };
        }),
      clock,
    );
    s.change();
    clock.advance(20);
    expect(count).toBe(1);
    for (let i = 0; i < 5; i++) {
      s.change();
      clock.advance(30);
    }
    expect(count).toBe(1);
    release();
    await flush();
    clock.advance(20);
    expect(count).toBe(2);
    release();
    await flush();
    clock.advance(1000);
    expect([count, maxRunning, s.phase]).toEqual([2, 1, 'idle']);
  });

  it('goes on after a build that throws', async () => {
    const clock = fakeClock();
    let count = 0;
    const s = new Scheduler(10, async () => {
      count++;
      throw new Error('boom');
    }, clock);
    s.change();
    clock.advance(10);
    await flush();
    s.change();
    clock.advance(10);
    expect(count).toBe(2);
  });
});
