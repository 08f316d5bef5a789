// A file-based GOPROXY made by the test itself, so third-party modules resolve with no network.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** A minimal stored (uncompressed) zip, which is all `go` needs from a module zip. */
export function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

/** Publishes `module@version` with `files` (paths relative to the module root) into the proxy at `dir`. */
export function publishModule(dir: string, module: string, version: string, files: Record<string, string>): void {
  const base = join(dir, ...module.split('/'), '@v');
  mkdirSync(base, { recursive: true });
  const goMod = files['go.mod'] ?? `module ${module}\n\ngo 1.22\n`;
  writeFileSync(join(base, 'list'), `${version}\n`);
  writeFileSync(join(base, `${version}.info`), JSON.stringify({ Version: version, Time: '2026-01-01T00:00:00Z' }));
  writeFileSync(join(base, `${version}.mod`), goMod);
  const entries: Record<string, string> = { 'go.mod': goMod, ...files };
  writeFileSync(join(base, `${version}.zip`), zip(Object.fromEntries(Object.entries(entries).map(([p, t]) => [`${module}@${version}/${p}`, t]))));
}
