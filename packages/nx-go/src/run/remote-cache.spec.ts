// The remote-cache probe against real local HTTP servers: which answers turn the cache off for the run.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { disableFailingRemoteCache } from './remote-cache';

function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

describe('disableFailingRemoteCache', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.closeAllConnections?.(), s.close();
  });

  it.each([
    [404, false],
    [200, false],
    [403, false],
    [500, true],
    [503, true],
  ])('a server answering %i: disabled=%s', async (status, disabled) => {
    const seen: string[] = [];
    const { url, server } = await serve((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.statusCode = status;
      res.end();
    });
    servers.push(server);
    const env: NodeJS.ProcessEnv = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 't0k' };
    const warnings: string[] = [];
    expect(await disableFailingRemoteCache(env, (l) => warnings.push(l))).toBe(disabled);
    expect(seen).toEqual(['GET /v1/cache/0 Bearer t0k']);
    expect(env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER).toBe(disabled ? '' : url);
    expect(warnings).toHaveLength(disabled ? 1 : 0);
    if (disabled) expect(warnings[0]).toContain(`answered ${status}`);
  });

  it('turns the cache off when nothing listens', async () => {
    const { url, server } = await serve(() => undefined);
    await new Promise((r) => server.close(r));
    const env: NodeJS.ProcessEnv = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url };
    const warnings: string[] = [];
    expect(await disableFailingRemoteCache(env, (l) => warnings.push(l))).toBe(true);
    expect(warnings[0]).toContain('could not be reached (ECONNREFUSED)');
  });

  it('turns the cache off when the server never answers', async () => {
    const { url, server } = await serve(() => undefined);
    servers.push(server);
    const env: NodeJS.ProcessEnv = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url };
    const warnings: string[] = [];
    expect(await disableFailingRemoteCache(env, (l) => warnings.push(l), 200)).toBe(true);
    expect(warnings[0]).toContain('did not answer within 0.2s');
  });

  it('does nothing without a server, or when the remote cache is skipped', async () => {
    expect(await disableFailingRemoteCache({}, () => undefined)).toBe(false);
    expect(await disableFailingRemoteCache({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'http://127.0.0.1:1', NX_SKIP_REMOTE_CACHE: 'true' }, () => undefined)).toBe(false);
  });
});
