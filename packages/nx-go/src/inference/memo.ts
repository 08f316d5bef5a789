// Memoises inferred projects under Nx's workspace data directory, keyed by a hash of every file the inference read.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../plan/sha256';

/** Memos whose write waits until the inference that filled them has returned its results. */
const unsaved = new Set<InferenceMemo<unknown>>();

function saveUnsaved(): void {
  for (const memo of unsaved) memo.save();
  unsaved.clear();
}

export class InferenceMemo<T> {
  private readonly next: Record<string, T> = {};
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly previous: Record<string, T>,
    private readonly salt: string,
  ) {}

  /** `name` keeps memos apart: each one keeps only the entries it used last time. */
  static open<T>(workspaceRoot: string, salt: string, name = 'tqserver-nx-go-inference'): InferenceMemo<T> {
    const dir = process.env.NX_WORKSPACE_DATA_DIRECTORY ?? join(workspaceRoot, '.nx', 'workspace-data');
    const file = join(dir, `${name}.json`);
    // A memo from an earlier call in this process that is still waiting is written before it is read.
    saveUnsaved();
    let previous: Record<string, T> = {};
    try {
      if (existsSync(file)) previous = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // A corrupt memo is only a lost optimisation.
    }
    return new InferenceMemo<T>(file, previous, salt);
  }

  /** Returns the memoised value for `key`, computing and recording it when absent. */
  get(key: unknown, compute: () => T): T {
    const hash = sha256Hex(this.salt + JSON.stringify(key));
    let value = this.previous[hash];
    if (value === undefined) {
      value = compute();
      this.changed = true;
    }
    this.next[hash] = value;
    return value;
  }

  /**
   * save(), once the caller has returned: Nx sends createNodes' results on before the write, and parses
   * them in its own process while this one writes the memo. A read-only or lost write only costs time.
   */
  saveSoon(): void {
    if (unsaved.size === 0) setImmediate(saveUnsaved);
    unsaved.add(this as InferenceMemo<unknown>);
  }

  /** Writes only the entries used this time, so the file never outgrows the workspace. */
  save(): void {
    if (!this.changed && Object.keys(this.next).length === Object.keys(this.previous).length) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      writeFileSync(tmp, JSON.stringify(this.next));
      renameSync(tmp, this.file);
    } catch {
      // Read-only workspaces still infer; they just do not memoise. A write or rename that failed
      // leaves no partial file behind (found by review: one .tmp per run piled up).
      rmSync(tmp, { force: true });
    }
  }
}

/** Visits the plugin's code files (not its specs or type declarations) in a stable order. */
function eachCodeFile(dir: string, visit: (path: string, name: string) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) eachCodeFile(p, visit);
    else if (/\.(js|ts|json|sh)$/.test(entry.name) && !/\.(spec|d)\.ts$/.test(entry.name)) visit(p, entry.name);
  }
}

/** Sizes and modification times of the plugin's code files: cheap, and changes whenever the code does. */
export function codeFingerprint(dir: string): string {
  const hash = createHash('sha256');
  eachCodeFile(dir, (p) => {
    const st = statSync(p);
    hash.update(`${p}:${st.size}:${st.mtimeMs}\n`);
  });
  return hash.digest('hex').slice(0, 16);
}

/** A digest of the contents of the plugin's code files: unlike codeFingerprint, the same on every machine. */
export function codeDigest(dir: string): string {
  const hash = createHash('sha256');
  eachCodeFile(dir, (p, name) => hash.update(`${name}\n`).update(readFileSync(p)));
  return hash.digest('hex').slice(0, 16);
}
