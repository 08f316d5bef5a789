// Packs the built plugin once and installs one template workspace per Nx version; tests copy a template by hard links.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NX_VERSIONS, REPO_ROOT, TEMPLATES_DIR, templateDir } from './paths';

export default function globalSetup(): void {
  const dist = join(REPO_ROOT, 'dist', 'packages', 'nx-go');
  if (!existsSync(join(dist, 'package.json'))) {
    throw new Error(`${dist} is missing: run "npx nx build nx-go" before the e2e tests (npm run test:e2e does).`);
  }
  mkdirSync(TEMPLATES_DIR, { recursive: true });
  for (const f of readdirSync(TEMPLATES_DIR)) if (f.endsWith('.tgz')) rmSync(join(TEMPLATES_DIR, f));
  const packed = execFileSync('npm', ['pack', dist, '--pack-destination', TEMPLATES_DIR, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop()!;
  const tarball = join(TEMPLATES_DIR, packed);
  const digest = createHash('sha256').update(readFileSync(tarball)).digest('hex');

  for (const nx of NX_VERSIONS) {
    const dir = templateDir(nx);
    const stampFile = join(dir, '.template-stamp');
    if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest) continue;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'e2e-workspace', version: '0.0.0', private: true, devDependencies: { nx } }, null, 2));
    const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit', env: npmEnv });
    // The way a user adds the plugin: npm i -D <tarball>, nothing else.
    execFileSync('npm', ['install', '-D', tarball, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit', env: npmEnv });
    writeFileSync(stampFile, digest);
  }
  warmCrossCompileCache();
}

/**
 * Compiles what the test workers import (the standard library under net/http, fmt, os, …) for the default
 * cross-compile matrix into the Go build cache the tests share, as production builds do it (-trimpath,
 * -buildmode=exe, CGO_ENABLED=0). On a machine with an empty cache the first cross-compile task of a test otherwise
 * compiles it four times over, two platforms at a time, inside the workers' default 60 s build.timeout;
 * on a slow 2-CPU machine that timed out (tqserver-layout.spec.ts). Warm, this takes about a second a platform.
 */
function warmCrossCompileCache(): void {
  const dir = mkdtempSync(join(tmpdir(), 'nx-go-e2e-warm-'));
  try {
    writeFileSync(join(dir, 'go.mod'), 'module warm\n\ngo 1.22\n');
    const imports = ['bufio', 'flag', 'fmt', 'net/http', 'os', 'runtime', 'strings'];
    writeFileSync(join(dir, 'main.go'), `package main\n\nimport (\n${imports.map((i) => `\t_ "${i}"\n`).join('')})\n\nfunc main() {}\n`);
    for (const platform of ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64']) {
      const [goos, goarch] = platform.split('/');
      // build-prod's flags that reach the compiler: without -buildmode=exe the standard library is compiled
      // under other action IDs, and the warm-up would not be found (checked with Go 1.26.8, darwin/arm64).
      execFileSync('go', ['build', '-buildvcs=false', '-trimpath', '-tags=production', '-buildmode=exe', '-o', join(dir, 'warm.bin'), '.'], {
        cwd: dir,
        stdio: 'inherit',
        env: { ...process.env, GOOS: goos, GOARCH: goarch, CGO_ENABLED: '0', GOFLAGS: '', GOTOOLCHAIN: 'local', GOPROXY: 'off' },
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
