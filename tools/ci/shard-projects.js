#!/usr/bin/env node
// Splits `nx show projects --affected --withTarget … --json` into N shards for a CI matrix.
// Usage: nx show projects --affected --withTarget build --json | node tools/ci/shard-projects.js <index> <total>
//   prints the comma-separated projects of shard <index> (0-based), or nothing when it has none.
// node tools/ci/shard-projects.js --matrix <total>  prints the matrix JSON: [0, 1, …, total-1].
'use strict';

/**
 * Deterministic on every runner: projects sorted by name, then dealt round-robin, so each shard gets
 * every Nth project and shard sizes differ by at most one. Dependencies between shards are fine: each
 * shard's `nx run-many` builds what its projects depend on, from the remote cache when another shard
 * (or an earlier run) already built it.
 */
function shard(projects, index, total) {
  if (!Number.isInteger(total) || total < 1) throw new Error(`total must be a whole number of at least 1, got ${total}`);
  if (!Number.isInteger(index) || index < 0 || index >= total) throw new Error(`index must be 0..${total - 1}, got ${index}`);
  const unique = [...new Set(projects)].sort();
  return unique.filter((_, i) => i % total === index);
}

function parseProjects(text) {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  // Nx may print warnings before the JSON; the list is the last line that parses.
  const lines = trimmed.split('\n').reverse();
  for (const line of lines) {
    try {
      const value = JSON.parse(line);
      if (Array.isArray(value) && value.every((p) => typeof p === 'string')) return value;
    } catch {
      // not the JSON line
    }
  }
  throw new Error('expected the JSON array printed by: nx show projects --affected --withTarget <target> --json');
}

module.exports = { shard, parseProjects };

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--matrix') {
    const total = Number(args[1]);
    shard([], 0, total);
    process.stdout.write(JSON.stringify([...Array(total).keys()]) + '\n');
  } else {
    const [index, total] = args.map(Number);
    let input = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (c) => (input += c));
    process.stdin.on('end', () => {
      try {
        process.stdout.write(shard(parseProjects(input), index, total).join(',') + '\n');
      } catch (e) {
        process.stderr.write(`shard-projects: ${e.message}\n`);
        process.exit(2);
      }
    });
  }
}
