#!/usr/bin/env node
// Measures a source tree's predicted trace event layouts and prototypes against a build's BTF, field by field:
//   node scripts/btf-accuracy.mjs <tree snapshot or tree> <btf source> [--json]
// A tree holds every definition of every configuration; the build's BTF is one configuration, what the compiler
// really laid out. For each event the build has with a known record, the tree's definition(s) of that name are
// compared (several when the tree defines it under alternative #if branches: the closest one counts). Prints the
// rates and every miss; docs/btf.md has the figures for the Debian builds. Needs `npm run build` first.
import { loadSource } from '../dist/src/sources/registry.js';
import { withoutAddressSpaces } from '../dist/src/diff/fields.js';


export function measure(tree, btf) {
  // Events whose class BTF narrowed to several with one record: their layout is known, their class is not.
  const unpinned = new Set((btf.problems ?? []).filter((p) => /their records are the same/.test(p.message)).map((p) => /^tracepoint (\S+):/.exec(p.message)?.[1]));
  const byName = new Map();
  for (const e of tree.events) {
    if (e.kind === 'syscall') continue;
    const l = byName.get(e.name) ?? [];
    l.push(e);
    byName.set(e.name, l);
  }
  const r = {
    btfEvents: btf.events.length,
    btfWithRecord: 0,
    btfUnknownRecord: 0,
    notInTree: [],
    eventsCompared: 0,
    layoutExact: 0,
    fields: { compared: 0, name: 0, type: 0, size: 0, offset: 0, signed: 0, array: 0, dynamic: 0 },
    /** Fields where the tree made no prediction (its size, offset or sign is unknown): not wrong, just missing. */
    unpredicted: { size: 0, offset: 0, signed: 0 },
    fieldMisses: [],
    eventMisses: [],
    protos: { compared: 0, exact: 0, types: 0, names: 0, misses: [] },
    classes: { compared: 0, agree: 0, misses: [] },
    kinds: { compared: 0, agree: 0, misses: [] },
  };
  const sameField = (t, b) => {
    const out = {
      name: t.name === b.name,
      type: b.type === '' || withoutAddressSpaces(t.type) === withoutAddressSpaces(b.type),
      size: t.size === b.size,
      offset: t.offset !== undefined && b.offset !== undefined && t.offset - (t0(t)) === b.offset - (t0(b)),
      signed: t.signed === b.signed || b.type === '',
      array: (t.array ?? null) === (b.array ?? null) || (t.dynamic !== undefined && b.dynamic !== undefined),
      dynamic: (t.dynamic ?? null) === (b.dynamic ?? null),
    };
    return out;
  };
  // Offsets from the start of the payload (the common header is compared once, separately).
  const t0 = () => 0;
  const score = (te, be) => {
    let s = te.fields.length === be.fields.length ? 1 : 0;
    te.fields.forEach((f, i) => {
      const g = be.fields[i];
      if (g) s += Object.values(sameField(f, g)).filter(Boolean).length;
    });
    return s;
  };
  for (const be of btf.events) {
    const alts = byName.get(be.name);
    if (be.fieldsUnknown) r.btfUnknownRecord++;
    else if (be.kind === 'event') r.btfWithRecord++;
    if (!alts) {
      r.notInTree.push(be.name);
      continue;
    }
    // Class and kind
    const te0 = alts.reduce((best, e) => (score(e, be) > score(best, be) ? e : best), alts[0]);
    r.kinds.compared++;
    if (te0.kind === be.kind) r.kinds.agree++;
    else r.kinds.misses.push(`${be.name}: tree ${te0.kind}, btf ${be.kind}`);
    if (!be.fieldsUnknown && !unpinned.has(be.name)) {
      const tc = te0.class ?? te0.name;
      const bc = be.class ?? be.name;
      if (be.kind === 'event' || te0.kind === 'event') {
        r.classes.compared++;
        if (tc === bc) r.classes.agree++;
        else r.classes.misses.push(`${be.name}: tree ${tc}, btf ${bc}`);
      }
    }
    // Prototype
    if (be.proto && te0.proto) {
      r.protos.compared++;
      const tt = te0.proto.map((a) => a.type).join(', ');
      const bt = be.proto.map((a) => a.type).join(', ');
      const tn = te0.proto.map((a) => a.name).join(', ');
      const bn = be.proto.map((a) => a.name).join(', ');
      if (tt === bt) r.protos.types++;
      if (tn === bn) r.protos.names++;
      if (tt === bt && tn === bn) r.protos.exact++;
      else r.protos.misses.push(`${be.name}: tree (${te0.proto.map((a) => `${a.type} ${a.name}`).join(', ')}) btf (${be.proto.map((a) => `${a.type} ${a.name}`).join(', ')})`);
    }
    if (be.kind !== 'event' || be.fieldsUnknown || te0.kind !== 'event') continue;
    r.eventsCompared++;
    let exact = te0.fields.length === be.fields.length;
    const n = Math.max(te0.fields.length, be.fields.length);
    for (let i = 0; i < n; i++) {
      const tf = te0.fields[i];
      const bf = be.fields[i];
      if (!tf || !bf) {
        exact = false;
        r.fieldMisses.push(`${be.name}: field ${i}: tree ${tf ? tf.name : '-'}, btf ${bf ? bf.name : '-'}`);
        continue;
      }
      r.fields.compared++;
      for (const k of ['size', 'offset', 'signed']) if (tf[k] === undefined && bf[k] !== undefined && !(k === 'signed' && bf.type === '')) r.unpredicted[k]++;
      const s = sameField(tf, bf);
      for (const k of Object.keys(s)) if (s[k]) r.fields[k]++;
      const bad = Object.keys(s).filter((k) => !s[k]);
      if (bad.length) {
        exact = false;
        const show = (f) => `${f.dynamic ? `__${f.dynamic} ` : ''}${f.type}${f.array !== undefined ? `[${f.array}]` : ''} ${f.name} size ${f.size ?? '?'} @${f.offset ?? '?'}${f.signed === undefined ? '' : f.signed ? ' signed' : ' unsigned'}`;
        r.fieldMisses.push(`${be.name}.${bf.name} (${bad.join(', ')}): tree ${show(tf)}; btf ${show(bf)}`);
      }
    }
    if (exact) r.layoutExact++;
    else r.eventMisses.push(be.name);
  }
  return r;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

async function main() {
const [treeArg, btfArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const asJson = process.argv.includes('--json');
if (!treeArg || !btfArg) {
  console.error('usage: btf-accuracy.mjs <tree snapshot or tree> <btf source> [--json]');
  process.exit(2);
}
const tree = (await loadSource(treeArg)).snapshot;
const btf = (await loadSource(btfArg)).snapshot;
const r = measure(tree, btf);
const header = {
  tree: tree.header.common.map((f) => `${f.type} ${f.name} ${f.size}@${f.offset}`),
  btf: btf.header.common.map((f) => `${f.type} ${f.name} ${f.size}@${f.offset}`),
};
if (asJson) {
  console.log(JSON.stringify({ ...r, header }, null, 1));
} else {
  const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');
  console.log(`BTF: ${r.btfEvents} tracepoints, ${r.btfWithRecord} events with a known record, ${r.btfUnknownRecord} whose record BTF cannot tell`);
  console.log(`not in the tree: ${r.notInTree.length}${r.notInTree.length ? ` (${r.notInTree.slice(0, 20).join(', ')}${r.notInTree.length > 20 ? ', …' : ''})` : ''}`);
  console.log(`kind (event/tracepoint) agrees: ${r.kinds.agree}/${r.kinds.compared} (${pct(r.kinds.agree, r.kinds.compared)})`);
  console.log(`class agrees: ${r.classes.agree}/${r.classes.compared} (${pct(r.classes.agree, r.classes.compared)})`);
  console.log(`layouts exactly predicted: ${r.layoutExact}/${r.eventsCompared} events (${pct(r.layoutExact, r.eventsCompared)})`);
  const f = r.fields;
  console.log(`fields: ${f.compared}; name ${pct(f.name, f.compared)}, type ${pct(f.type, f.compared)}, size ${pct(f.size, f.compared)}, offset ${pct(f.offset, f.compared)}, signed ${pct(f.signed, f.compared)}, array ${pct(f.array, f.compared)}, dynamic ${pct(f.dynamic, f.compared)}`);
  const u = r.unpredicted;
  console.log(`of which the tree predicted nothing: size ${u.size}, offset ${u.offset}, signed ${u.signed}; so wrong predictions: size ${f.compared - f.size - u.size}, offset ${f.compared - f.offset - u.offset}, signed ${f.compared - f.signed - u.signed}`);
  console.log(`prototypes: ${r.protos.exact}/${r.protos.compared} exact (${pct(r.protos.exact, r.protos.compared)}); types ${pct(r.protos.types, r.protos.compared)}, names ${pct(r.protos.names, r.protos.compared)}`);
  console.log(`common header: tree [${header.tree.join('; ')}]\n               btf  [${header.btf.join('; ')}]`);
  const list = (title, l) => {
    if (!l.length) return;
    console.log(`\n${title} (${l.length}):`);
    for (const x of l) console.log(`  ${x}`);
  };
  list('class misses', r.classes.misses);
  list('kind misses', r.kinds.misses);
  list('field misses', r.fieldMisses);
  list('prototype misses', r.protos.misses);
}
}
