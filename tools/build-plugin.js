// Builds the publishable @tqserver/nx-go package into dist/packages/nx-go: tsc output plus the JSON and docs it ships.
const { execFileSync } = require('node:child_process');
const { cpSync, rmSync, mkdirSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join, dirname, relative } = require('node:path');

const root = join(__dirname, '..');
const pkg = join(root, 'packages', 'nx-go');
const out = join(root, 'dist', 'packages', 'nx-go');

rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(pkg, 'tsconfig.lib.json')], { stdio: 'inherit' });

// JSON schemas and the shell scripts that runtime inputs run (plan/disk-digest.sh).
function copyJson(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) copyJson(p);
    else if (name.endsWith('.json') || name.endsWith('.sh')) {
      const dest = join(out, relative(pkg, p));
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(p, dest);
    }
  }
}
copyJson(join(pkg, 'src'));
for (const f of ['package.json', 'executors.json', 'generators.json']) cpSync(join(pkg, f), join(out, f));
// Editor schemas, generated from the compiled validator's own definitions (src/config/json-schema.ts).
const { allSchemas } = require(join(out, 'src', 'config', 'json-schema.js'));
mkdirSync(join(out, 'schemas'), { recursive: true });
for (const [file, schema] of Object.entries(allSchemas())) writeFileSync(join(out, 'schemas', file), JSON.stringify(schema, null, 2) + '\n');
// One README for the repository and the package, so the two never disagree.
for (const f of ['README.md', 'LICENSE']) cpSync(join(root, f), join(out, f));
console.log(`built ${relative(root, out)}`);
