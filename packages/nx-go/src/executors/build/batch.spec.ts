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
  it('falls back to nx.json parallel, then to Nx default of 3', () => {
    expect(batchParallelism({ nxJsonConfiguration: { parallel: 4 } }, ['nx', 'run-many'], {})).toBe(4);
    expect(batchParallelism({ nxJsonConfiguration: {} }, ['nx', 'run-many'], {})).toBe(3);
    expect(batchParallelism({ nxJsonConfiguration: { parallel: 4 } }, ['nx', 'run-many', '--parallel=1'], {})).toBe(1);
  });
});
