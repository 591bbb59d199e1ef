/**
 * Declared manifests (schema/consumer-manifest.schema.json): for tools whose code tpdrift cannot read, a
 * small JSON file says which events and fields they read and how. Checked against the published schema;
 * a bad manifest is an InputError naming the file and the offending key.
 */
import { InputError } from '../../errors.js';
import { validateWithSchema } from '../../config/validate.js';
import type { AttachKind, Use } from '../model.js';
import type { ConsumerFile, ConsumerReader, ConsumerReading } from '../reader.js';
import { LineIndex } from '../text.js';

export const MANIFEST_SCHEMA = 'tpdrift/consumer-manifest@1';

interface ManifestField {
  name: string;
  read: 'by-name' | 'fixed-offset' | 'exists-only';
  type?: string;
  offset?: number;
  size?: number;
  guarded?: string;
}
interface ManifestEvent {
  event: string;
  attach?: AttachKind;
  guarded?: string;
  fields?: ManifestField[];
  args?: { index: number; type?: string }[];
  print?: string;
}
interface Manifest {
  tool: string;
  events: ManifestEvent[];
}

function parse(file: ConsumerFile): { data: unknown; text: string } {
  const text = file.data.toString('utf8');
  try {
    return { data: JSON.parse(text) as unknown, text };
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new InputError(file.path, `consumer manifest is not valid JSON: ${(e as Error).message.replace(/ in JSON at position \d+.*$/, '')}`, line);
  }
}

export function readManifest(file: ConsumerFile): ConsumerReading {
  const { data, text } = parse(file);
  validateWithSchema('consumer-manifest', data, file.path);
  const m = data as Manifest;
  const lines = new LineIndex(text);
  const uses: Use[] = [];
  // Each use points at the manifest line that declares its event (searching on from the previous one).
  let from = 0;
  for (const ev of m.events) {
    const at = text.indexOf(JSON.stringify(ev.event), from);
    if (at >= 0) from = at + 1;
    const line = at >= 0 ? lines.lineAt(at) : undefined;
    const attach = ev.attach ?? 'tracefs';
    const base = (): Use => {
      const u: Use = { tool: m.tool, family: 'manifest', file: file.path, event: ev.event, attach, read: 'exists-only' };
      if (line !== undefined) u.line = line;
      if (ev.guarded) u.guarded = ev.guarded;
      return u;
    };
    for (const f of ev.fields ?? []) {
      const u: Use = { ...base(), field: f.name, read: f.read };
      if (f.type !== undefined) u.type = f.type;
      if (f.offset !== undefined) u.offset = f.offset;
      if (f.size !== undefined) u.size = f.size;
      if (f.guarded !== undefined) u.guarded = f.guarded;
      uses.push(u);
    }
    for (const a of ev.args ?? []) {
      const u: Use = { ...base(), attach: attach === 'tracefs' ? 'raw_tp' : attach, arg: a.index, read: 'positional' };
      if (a.type !== undefined) u.type = a.type;
      uses.push(u);
    }
    if (ev.print !== undefined) uses.push({ ...base(), read: 'print-text', print: ev.print });
    if (!ev.fields?.length && !ev.args?.length && ev.print === undefined) uses.push(base());
  }
  return { tools: [{ tool: m.tool, family: 'manifest', file: file.path }], uses, problems: [] };
}

export const manifestReader: ConsumerReader = {
  family: 'manifest',
  detect: (path, head) => path.endsWith('.json') && head.toString('utf8').includes(MANIFEST_SCHEMA),
  read: readManifest,
};
