#!/usr/bin/env node
// Writes schema/config.schema.json from the rules' meta (src/config/config-schema.ts), from the compiled
// modules: run `npm run build` first. `--check` writes nothing and exits 1 when the committed file differs
// (test/rules/meta.test.ts checks the same from the sources).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILE = path.join(ROOT, 'schema', 'config.schema.json');
const { configSchemaText } = await import(path.join(ROOT, 'dist/src/config/config-schema.js'));
const { RULES } = await import(path.join(ROOT, 'dist/rules/index.js'));
const text = configSchemaText(RULES);
if (process.argv.includes('--check')) {
  if (fs.readFileSync(FILE, 'utf8') !== text) {
    process.stderr.write('schema/config.schema.json is not what the rules declare: run node scripts/config-schema.mjs\n');
    process.exit(1);
  }
} else {
  fs.writeFileSync(FILE, text);
}
