/** Reading user JSON files and checking them against the published schemas (schema/*.schema.json) with ajv. */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { InputError } from '../errors.js';

export type SchemaName = 'config' | 'baseline' | 'suppressions' | 'consumer-manifest';

export function schemaPath(name: SchemaName): string {
  // src/config/ → ../../schema ; dist/src/config/ → ../../../schema
  for (const rel of [`../../schema/${name}.schema.json`, `../../../schema/${name}.schema.json`]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`schema/${name}.schema.json is missing from the installation`);
}

const compiled = new Map<SchemaName, ValidateFunction>();

function validator(name: SchemaName): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    // Required on first use (ajv is CommonJS): loading it costs more than a whole snapshot diff, and most
    // runs have no config, baseline or suppressions file to check.
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    const ajv = new Ajv({ allErrors: false, strict: true });
    v = ajv.compile(JSON.parse(fs.readFileSync(schemaPath(name), 'utf8')) as object);
    compiled.set(name, v);
  }
  return v;
}

/** `/overrides/0/rules/x` → `overrides[0].rules.x` */
export function keyPath(pointer: string, extra?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(top level)' : out;
}

export function describeAjvError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${keyPath(e.instancePath, String(p.additionalProperty))}: unknown key`;
  if (e.keyword === 'required') return `${keyPath(e.instancePath, String(p.missingProperty))}: required`;
  const name = (e as ErrorObject & { propertyName?: string }).propertyName;
  if (name !== undefined) {
    const allowed = Array.isArray(p.allowedValues) && p.allowedValues.length <= 8 ? ` (one of ${p.allowedValues.join(', ')})` : '';
    return `${keyPath(e.instancePath, name)}: not a known name${allowed}`;
  }
  if (e.keyword === 'enum' && Array.isArray(p.allowedValues)) return `${keyPath(e.instancePath)}: must be one of ${p.allowedValues.join(', ')}`;
  return `${keyPath(e.instancePath)}: ${e.message ?? 'invalid'}`;
}

/** Throws an InputError naming the file and the first offending key. */
export function validateWithSchema(name: SchemaName, data: unknown, file: string): void {
  const v = validator(name);
  if (v(data)) return;
  const errors = v.errors ?? [];
  // With oneOf, the first error is usually the most specific; propertyName errors come first for unknown keys.
  const best = errors.find((e) => (e as { propertyName?: string }).propertyName !== undefined) ?? errors[0];
  throw new InputError(file, best ? describeAjvError(best) : `does not match schema/${name}.schema.json`);
}

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new InputError(file, `not valid JSON: ${(e as Error).message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '')}`, line);
  }
}
