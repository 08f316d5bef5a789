// Where the e2e suite keeps its templates, and which Nx versions it installs.
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
export const TEMPLATES_DIR = join(REPO_ROOT, 'tmp', 'e2e-templates');

/** Every supported major; the first one is the default for the scenario tests. */
export const NX_VERSIONS = (process.env.NX_GO_E2E_NX_VERSIONS ?? '23.3.2,22.7.12,24.0.6').split(',').map((v) => v.trim());

export function templateDir(nxVersion: string): string {
  return join(TEMPLATES_DIR, `nx-${nxVersion}`);
}
