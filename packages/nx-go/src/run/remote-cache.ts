// Before tasks run: a remote cache that is down or failing must cost the run its cache, not its builds.

export const PROBE_TIMEOUT_MS = 2000;

/**
 * Sends one GET for a hash no one stores. 200 and 404 (and 401/403, which are the user's to fix) leave
 * the cache on; no answer, a refused connection or a 5xx turns it off for this run, with a warning.
 * Nx stops the whole run on such a cache, and never times out a request, so the check happens here.
 * It writes process.env because that is how a preTasksExecution hook hands settings to Nx.
 */
export async function disableFailingRemoteCache(
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = (line) => console.warn(line),
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<boolean> {
  const server = env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER;
  if (!server || env.NX_SKIP_REMOTE_CACHE === 'true') return false;
  const token = env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN;
  let problem: string | undefined;
  try {
    const url = new URL('v1/cache/0', server.endsWith('/') ? server : `${server}/`);
    const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    if (res.status >= 500) problem = `answered ${res.status} ${res.statusText}`.trim();
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    problem = err.name === 'TimeoutError' ? `did not answer within ${timeoutMs / 1000}s` : `could not be reached (${err.cause?.code ?? err.message})`;
  }
  if (problem === undefined) return false;
  warn(`@tqserver/nx-go: the remote cache ${server} ${problem}; this run builds without it (local cache only).`);
  env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER = '';
  return true;
}
