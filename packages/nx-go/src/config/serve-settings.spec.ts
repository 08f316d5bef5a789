// Specifies how serve reads config/server.yaml (workers:, file_watcher:) and worker.yaml's path.
import { parseServeSettings, parseWorkerPath, SERVE_DEFAULTS } from './serve-settings';
import { pos, problemsOf } from './config-errors.spec-support';

// TQServer's own config/server.yaml sections, with keys serve does not read beside the ones it does.
const TQSERVER_YAML = `
server:
  port: 8181
workers:
  directory: workers
  port_range_start: 9100
  port_range_end: 9199
  startup_delay_ms: 100
  health_check_wait_timeout_ms: 2500
  shutdown_grace_period_ms: 800
  restart_delay_ms: 500
file_watcher:
  debounce_ms: 120
build:
  defaults:
    timeout: 60s
`;

describe('parseServeSettings', () => {
  it('gives TQServer defaults without a file, and without the sections', () => {
    expect(parseServeSettings('config/server.yaml', null)).toEqual(SERVE_DEFAULTS);
    expect(parseServeSettings('config/server.yaml', 'build:\n  defaults:\n    timeout: 60s\n')).toEqual({
      healthTimeoutMs: 5000,
      shutdownGraceMs: 5000,
      portRangeStart: 9000,
      portRangeEnd: 9999,
      debounceMs: 50,
      serverPort: 8080,
    });
  });

  it('reads the workers:, file_watcher: and server.port keys and ignores the rest, as TQServer does', () => {
    expect(parseServeSettings('config/server.yaml', TQSERVER_YAML)).toEqual({
      healthTimeoutMs: 2500,
      shutdownGraceMs: 800,
      portRangeStart: 9100,
      portRangeEnd: 9199,
      debounceMs: 120,
      serverPort: 8181,
    });
  });

  it('accepts 0 where 0 means "at once"', () => {
    const s = parseServeSettings('s.yaml', 'workers:\n  shutdown_grace_period_ms: 0\nfile_watcher:\n  debounce_ms: 0\n');
    expect([s.shutdownGraceMs, s.debounceMs]).toEqual([0, 0]);
  });

  it.each([
    ['file_watcher:\n  debounce_ms: fast\n', 'fast', 'file_watcher.debounce_ms: "fast" is not valid; expected a whole number of at least 0'],
    ['workers:\n  health_check_wait_timeout_ms: 0\n', '0', 'workers.health_check_wait_timeout_ms: 0 is not valid; expected a whole number of at least 1'],
    ['workers:\n  shutdown_grace_period_ms: 1.5\n', '1.5', 'workers.shutdown_grace_period_ms: 1.5 is not valid; expected a whole number of at least 0'],
  ])('reports %j with file, line and column', (text, needle, message) => {
    expect(problemsOf(() => parseServeSettings('config/server.yaml', text))).toEqual([`config/server.yaml:${pos(text, needle)}: ${message}`]);
  });

  it('refuses a port range that ends before it starts', () => {
    expect(problemsOf(() => parseServeSettings('s.yaml', 'workers:\n  port_range_start: 9500\n  port_range_end: 9400\n'))).toEqual([
      's.yaml: workers.port_range_end (9400) is below workers.port_range_start (9500); expected a range',
    ]);
  });
});

describe('parseWorkerPath', () => {
  it.each([
    [null, '/'],
    ['type: go\n', '/'],
    ['path: /api\ntype: go\nscaling:\n  min_workers: 1\n', '/api'],
  ])('%j -> %j', (text, expected) => {
    expect(parseWorkerPath('workers/api/config/worker.yaml', text)).toBe(expected);
  });

  it('refuses an empty path, which stops TQServer too', () => {
    const text = 'path: ""\n';
    expect(problemsOf(() => parseWorkerPath('w.yaml', text))).toEqual([`w.yaml:${pos(text, '""')}: path: "" is not valid; expected a URL prefix such as /api`]);
  });
});
