// Specifies how the batch worker learns Nx's parallelism, which Nx does not pass to it.
import { batchParallelism, parallelFromArgs } from './batch';

describe('parallelFromArgs (Nx readParallelFromArgsAndEnv)', () => {
  it.each([
    [['nx', 'run-many', '-t', 'build'], {}, undefined],
    [['nx', 'run-many', '-t', 'build', '--parallel=5'], {}, 5],
    [['nx', 'run-many', '--parallel', '6', '-t', 'build'], {}, 6],
    [['nx', 'run-many', '--parallel=false'], {}, 1],
    [['nx', 'run-many', '--parallel'], {}, 3],
    [['nx', 'run-many', '--parallel', '--maxParallel=7'], {}, 7],
    [['nx', 'run-many', '--parallel', '--max-parallel', '8'], {}, 8],
    [['nx', 'run-many'], { NX_PARALLEL: '9' }, 9],
    [['nx', 'run-many', '--parallel=2'], { NX_PARALLEL: '9' }, 2],
  ])('%j with %j -> %p', (argv, env, expected) => {
    expect(parallelFromArgs(argv, env)).toBe(expected);
  });
});

describe('batchParallelism', () => {
  it('falls back to nx.json parallel, then to Nx default of 3 capped at the CPU count', () => {
    expect(batchParallelism({ nxJsonConfiguration: { parallel: 4 } }, ['nx', 'run-many'], {}, 2)).toBe(4);
    expect(batchParallelism({ nxJsonConfiguration: {} }, ['nx', 'run-many'], {}, 8)).toBe(3);
    expect(batchParallelism({ nxJsonConfiguration: {} }, ['nx', 'run-many'], {}, 2)).toBe(2);
    expect(batchParallelism({ nxJsonConfiguration: {} }, ['nx', 'run-many'], {}, 1)).toBe(1);
    expect(batchParallelism({ nxJsonConfiguration: { parallel: 4 } }, ['nx', 'run-many', '--parallel=1'], {}, 8)).toBe(1);
  });

  it('takes a number the user set as given, even above the CPU count', () => {
    expect(batchParallelism({ nxJsonConfiguration: {} }, ['nx', 'run-many', '--parallel=5'], {}, 2)).toBe(5);
    expect(batchParallelism({ nxJsonConfiguration: {} }, ['nx', 'run-many'], { NX_PARALLEL: '4' }, 2)).toBe(4);
  });
});
