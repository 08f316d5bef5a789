// Reading a file that may be absent, in one system call rather than an existence check and a read.
import { readFileSync } from 'node:fs';

/** The file's text, or null when it (or a directory on its path) does not exist; other errors are thrown. */
export function readTextIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}
