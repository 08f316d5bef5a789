// Packs the built plugin once and installs one template workspace per Nx version; tests copy a template by hard links.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
}
