// Test support for the config specs: where a needle sits in YAML text, and the problems a ConfigError lists.
import { ConfigError } from './yaml-schema';

/** 1-based `line:col` of the `nth` occurrence of `needle` in `text`, computed independently of the yaml library. */
export function pos(text: string, needle: string, nth = 0): string {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`test bug: ${JSON.stringify(needle)} #${nth} not in text`);
  }
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** The problems of the ConfigError that `fn` throws; fails the test when it throws anything else, or nothing. */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).message).toBe((e as ConfigError).problems.join('\n'));
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}
