/**
 * `--kconfig`: a kernel .config deciding a tree's CONFIG_ conditions and which events the build has, on a
 * hand-written tree (test/fixtures/tree/kconfig: a header's events under #ifdef/IS_ENABLED/IS_MODULE, headers
 * created by objects that Kbuild files build or not, one Makefile this reader cannot read). The real builds
 * (Debian 6.1.176 generic and PREEMPT_RT against their BTF) are in test/kernels/tree-kconfig.test.ts.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTree } from '../../src/sources/tree/index.js';
import { parseKconfig, kconfigTruth } from '../../src/sources/tree/kconfig.js';
import { parseKbuild } from '../../src/sources/tree/kbuild.js';
import { archRules } from '../../src/sources/tree/arch.js';
import { evaluateCondition } from '../../src/sources/tree/x86-64-config.js';
import { InputError } from '../../src/errors.js';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runDiff } from '../../src/engine/run.js';
import { sideFacets } from '../../src/model/facets.js';

const FIX = path.join(import.meta.dirname, '../fixtures/tree/kconfig');
const load = (config?: string) => loadTree(FIX, { workers: 0, parseCache: false, ...(config ? { kconfig: path.join(FIX, config) } : {}) });
const names = async (config?: string) => (await load(config)).events.map((e) => e.name).sort();

describe('reading a .config', () => {
  it('values as written; "is not set" and absent options unset', () => {
    const k = parseKconfig('# comment\nCONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_S="x y"\nCONFIG_N=0x10\n\n', 'c');
    expect([...k.values]).toEqual([['CONFIG_A', 'y'], ['CONFIG_B', 'm'], ['CONFIG_S', '"x y"'], ['CONFIG_N', '0x10']]);
    expect(k.label).toBe('c');
  });

  it('as the preprocessor sees it: =y defines CONFIG_X, =m defines CONFIG_X_MODULE only', () => {
    const t = kconfigTruth(parseKconfig('CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_S="x"\n', 'c'));
    const ev = (c: string) => evaluateCondition(c, t);
    expect([ev('defined(CONFIG_A)'), ev('defined(CONFIG_A_MODULE)'), ev('defined(CONFIG_B)'), ev('defined(CONFIG_B_MODULE)'), ev('defined(CONFIG_C)'), ev('defined(CONFIG_Z)'), ev('defined(CONFIG_S)')])
      .toEqual([true, false, false, true, false, false, true]);
    expect([ev('IS_ENABLED(CONFIG_A)'), ev('IS_ENABLED(CONFIG_B)'), ev('IS_ENABLED(CONFIG_C)')]).toEqual([true, true, false]);
    expect([ev('IS_BUILTIN(CONFIG_A)'), ev('IS_BUILTIN(CONFIG_B)'), ev('IS_MODULE(CONFIG_A)'), ev('IS_MODULE(CONFIG_B)')]).toEqual([true, false, false, true]);
    expect([ev('IS_REACHABLE(CONFIG_A)'), ev('IS_REACHABLE(CONFIG_B)'), ev('IS_REACHABLE(CONFIG_C)')]).toEqual([true, undefined, false]);
    expect(ev('IS_ENABLED(CONFIG_B) && !defined(CONFIG_C)')).toBe(true);
  });

  it('a malformed line is an InputError naming the file and the line', () => {
    expect(() => parseKconfig('CONFIG_A=y\nCONFIG_B=maybe\n', 'cfg')).toThrow(new InputError('cfg', "CONFIG_B: 'maybe' is not a .config value (y, m, n, a number or a \"string\")", 2));
    expect(() => parseKconfig('CONFIG_A=y\n\nobj-y += foo.o\n', 'cfg')).toThrow(new InputError('cfg', "not a .config line (CONFIG_NAME=value, # CONFIG_NAME is not set, or a comment): 'obj-y += foo.o'", 3));
    expect(() => parseKconfig('# just a comment\n', 'cfg')).toThrow(new InputError('cfg', 'no CONFIG_ line: not a kernel .config'));
    try {
      parseKconfig('CONFIG_A=y\n\u0000\u0001ELF', 'bin');
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).line).toBe(2);
    }
  });
});

describe('Kbuild files', () => {
  const truth = (set: Record<string, boolean>) => (n: string) => set[n] ?? false;
  it('lists with their selectors and the ifdef/ifeq blocks around them', () => {
    const sym = truth({ CONFIG_A: true, CONFIG_B_MODULE: true });
    const en = (n: string) => sym(n) || sym(`${n}_MODULE`);
    const p = parseKbuild('obj-$(CONFIG_A) += a.o \\\n  a2.o\nfoo-y := x.o\nifdef CONFIG_B\nfoo-y += y.o\nelse\nfoo-y += z.o\nendif\nifeq ($(CONFIG_A),y)\nobj-y += w.o\nendif\nccflags-y += -I$(src)\nfoo-y += $(addprefix sub/, p.o q.o)\nobj-$(subst m,y,$(CONFIG_B)) += d/\n', archRules(), en, sym);
    expect(p.opaque).toBe(false);
    expect(p.entries.map((e) => `${e.target}:${e.when}:${e.objects.join(' ')}`)).toEqual([
      'obj:true:a.o a2.o', 'foo:true:x.o', 'foo:true:y.o', 'foo:false:z.o', 'obj:true:w.o', 'foo:true:sub/p.o sub/q.o', 'obj:true:d/',
    ]);
    expect(parseKbuild('obj-y += $(objs-from-elsewhere)\n', archRules(), en, sym).opaque).toBe(true);
  });
});

describe('a tree read for one configuration', () => {
  it('without --kconfig: every definition, with its condition', async () => {
    const s = await load();
    expect(s.kernel.kconfig).toBeUndefined();
    expect(s.events.map((e) => `${e.name}${e.condition ? ` [${e.condition}]` : ''}`).sort()).toEqual([
      'core_always', 'core_extra [defined(CONFIG_CORE_EXTRA)]', 'core_foo [IS_ENABLED(CONFIG_FOO)]', 'core_foo_builtin [defined(CONFIG_FOO)]',
      'core_foo_module [IS_MODULE(CONFIG_FOO) && !IS_BUILTIN(CONFIG_FOO)]', 'gadget_poke', 'opaque_poke', 'widget_poke',
    ]);
  });

  it('the events the configuration builds: conditions decided, objects compiled or not; what it cannot tell is kept', async () => {
    // FOO=m: IS_ENABLED and IS_MODULE hold, defined(CONFIG_FOO) does not; GADGET off leaves drivers/gadget/ out;
    // WIDGET=m with WIDGET_TRACING builds trace.o into widget.ko; drivers/opaque/'s Makefile is not readable here.
    expect(await names('config-all')).toEqual(['core_always', 'core_extra', 'core_foo', 'core_foo_module', 'opaque_poke', 'widget_poke']);
    expect(await names('config-none')).toEqual(['core_always', 'opaque_poke']);
  });

  it('the snapshot says which configuration; such a side tells neither every configuration nor conditions', async () => {
    const s = await load('config-all');
    expect(s.kernel).toEqual({ source: 'kconfig', kind: 'tree', release: '6.1.0', arch: 'x86_64', kconfig: 'config-all' });
    expect(sideFacets(s)).toMatchObject({ allConfigs: false, conditions: false });
    expect(sideFacets(await load())).toMatchObject({ allConfigs: true, conditions: true });
  });

  it('a diff of two configurations: the events one does not build are removed, no condition-changed', async () => {
    const findings = runDiff(compareSnapshots(await load('config-all'), await load('config-none')));
    expect(findings.filter((f) => f.rule === 'condition-changed')).toEqual([]);
    expect(findings.filter((f) => f.rule === 'event-removed').flatMap((f) => f.events ?? [f.event]).sort()).toEqual(['core:core_extra', 'core:core_foo', 'core:core_foo_module', 'widget:widget_poke']);
  });
});
