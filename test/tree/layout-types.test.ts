/**
 * The tree's own types in the layout prediction: function-pointer and enum typedefs, `#define`d type names,
 * implicit enumerator values, struct and union layouts, `#if` branches decided by the x86_64 defconfig. The
 * whole-tree figures are in test/kernels/trees.test.ts (6.12 against the real 6.18.44 capture); these are the
 * corner cases, each on text shaped like the kernel's (the struct texts are the kernel's own, comments dropped).
 */
import { describe, expect, it } from 'vitest';
import { extractDecls, extractTypedefs, extractTypeMacros, implicitEnumerators } from '../../src/sources/tree/scan.js';
import { configDecider, layoutAggregate, readDefconfig, selectBranches, type AggregateTypes } from '../../src/sources/tree/aggregate.js';
import { TypeResolver, type Decl, type TypeEnv } from '../../src/sources/tree/layout.js';

const decls = (pairs: [string, string][], file: string): Map<string, Decl[]> => {
  const m = new Map<string, Decl[]>();
  for (const [k, v] of pairs) m.set(k, [...(m.get(k) ?? []), { value: v, file }]);
  return m;
};

describe('typedefs the regex did not read', () => {
  it('a function-pointer typedef is a pointer (initcall_t)', () => {
    expect(extractTypedefs('typedef int (*initcall_t)(void);\ntypedef void (*ctor_fn_t)(void);')).toEqual([
      ['initcall_t', 'void *'],
      ['ctor_fn_t', 'void *'],
    ]);
  });

  it('an enum typedef is an enum, a packed one has no size the resolver knows (xfs_exntst_t)', () => {
    const text = 'typedef enum {\n\tXFS_EXT_NORM, XFS_EXT_UNWRITTEN,\n} xfs_exntst_t;\ntypedef enum foo { A = 1 } __packed foo_t;\ntypedef enum bar { B } bar_t;';
    expect(extractTypedefs(text)).toEqual([
      ['xfs_exntst_t', 'enum'],
      ['foo_t', 'packed enum'],
      ['bar_t', 'enum bar'],
    ]);
  });

  it('a typedef named in a comment does not run on to the next declaration (vm_fault_t)', () => {
    const text = '/**\n * typedef vm_fault_t - Return type for page fault handlers.\n *\n * Page fault handlers return a bitmask of %VM_FAULT values.\n */\ntypedef __bitwise unsigned int vm_fault_t;';
    expect(extractTypedefs(text)).toEqual([['vm_fault_t', '__bitwise unsigned int']]);
  });
});

describe('#define type names', () => {
  it('reads `#define pgoff_t unsigned long`, not a macro the header #undefs again (apicdef.h: u32)', () => {
    expect(extractTypeMacros('#define pgoff_t unsigned long\n#define FOO 16\n#define u32 unsigned int\nstruct x { u32 a; };\n#undef u32\n')).toEqual([['pgoff_t', 'unsigned long']]);
  });

  it('__field prints the expanded type (its argument passes through __field_ext), __array the written one', () => {
    const env: TypeEnv = { typedefs: new Map(), constants: new Map(), unsignedChar: true, typeMacros: decls([['pgoff_t', 'unsigned long']], 'include/linux/types.h') };
    const r = new TypeResolver(env, 'include/trace/events');
    expect(r.expandedTypeText('pgoff_t')).toBe('unsigned long');
    expect(r.scalar('pgoff_t')).toEqual({ size: 8, align: 8, signed: false });
    // A typedef of the same name wins over some header's macro.
    env.typedefs.set('pgoff_t', [{ value: 'unsigned long', file: 'include/x.h' }]);
    expect(new TypeResolver(env, 'include/trace/events').expandedTypeText('pgoff_t')).toBe('pgoff_t');
  });
});

describe('implicit enumerator values', () => {
  it('each is the previous plus one, the first 0 (EXT4_FC_REASON_MAX = 10)', () => {
    const body = '\n\tEXT4_FC_REASON_XATTR = 0,\n\tEXT4_FC_REASON_CROSS_RENAME,\n\t/* x, y */ EXT4_FC_REASON_NOMEM,\n#ifdef X\n\tEXT4_FC_REASON_MAX\n#endif\n';
    expect(implicitEnumerators(body)).toEqual([
      ['EXT4_FC_REASON_CROSS_RENAME', 'EXT4_FC_REASON_XATTR + 1'],
      ['EXT4_FC_REASON_NOMEM', 'EXT4_FC_REASON_CROSS_RENAME + 1'],
      ['EXT4_FC_REASON_MAX', 'EXT4_FC_REASON_NOMEM + 1'],
    ]);
    const env: TypeEnv = { typedefs: new Map(), constants: decls(extractDecls(`enum {${body}};`).constants!, 'fs/ext4/fast_commit.h'), unsignedChar: true };
    expect(new TypeResolver(env, 'fs/ext4').evaluate('EXT4_FC_REASON_MAX')).toBe(3);
  });
});

describe('struct and union layouts', () => {
  const basic: Record<string, [number, number]> = { __u8: [1, 1], __u16: [2, 2], __be16: [2, 2], __be32: [4, 4], __u32: [4, 4], u64: [8, 8], 'unsigned short int': [2, 2], int: [4, 4], char: [1, 1] };
  const defs: Record<string, string> = {
    // include/uapi/linux/in6.h (6.12), comments dropped.
    'struct in6_addr': 'struct in6_addr {\n\tunion {\n\t\t__u8\t\tu6_addr8[16];\n#if __UAPI_DEF_IN6_ADDR_ALT\n\t\t__be16\t\tu6_addr16[8];\n\t\t__be32\t\tu6_addr32[4];\n#endif\n\t} in6_u;\n#define s6_addr\t\t\tin6_u.u6_addr8\n}',
    'struct sockaddr_in6': 'struct sockaddr_in6 {\n\tunsigned short int\tsin6_family;\n\t__be16\t\t\tsin6_port;\n\t__be32\t\t\tsin6_flowinfo;\n\tstruct in6_addr\t\tsin6_addr;\n\t__u32\t\t\tsin6_scope_id;\n}',
  };
  const types = (config = new Set<string>()): AggregateTypes => {
    const t: AggregateTypes = {
      layoutOf: (ty) => {
        if (basic[ty]) return { size: basic[ty]![0], align: basic[ty]![1] };
        return defs[ty] ? layoutAggregate(defs[ty]!, t) : undefined;
      },
      evaluate: (e) => (/^\d+$/.test(e.trim()) ? Number(e) : undefined),
      decide: configDecider(config, () => undefined),
    };
    return t;
  };

  it('sockaddr_in6 is 28 bytes, 4-aligned (tcp, udp, dccp take its sizeof)', () => {
    expect(layoutAggregate(defs['struct sockaddr_in6']!, types())).toEqual({ size: 28, align: 4 });
    expect(layoutAggregate(defs['struct in6_addr']!, types())).toEqual({ size: 16, align: 4 });
  });

  it('padding, packed, aligned, nested anonymous members, flexible arrays, several declarators', () => {
    expect(layoutAggregate('struct a { char c; u64 x; }', types())).toEqual({ size: 16, align: 8 });
    expect(layoutAggregate('struct a { char c; u64 x; } __packed', types())).toEqual({ size: 9, align: 1 });
    expect(layoutAggregate('struct __attribute__((packed)) a { char c; int x; }', types())).toEqual({ size: 5, align: 1 });
    expect(layoutAggregate('struct a { char c; } __aligned(8)', types())).toEqual({ size: 8, align: 8 });
    expect(layoutAggregate('struct a { int n; union { char b[3]; __u16 h; }; char tail[]; }', types())).toEqual({ size: 8, align: 4 });
    expect(layoutAggregate('struct a { __u8 x, y[3], *p; }', types())).toEqual({ size: 16, align: 8 });
    expect(layoutAggregate('union u { int i; char c[6]; }', types())).toEqual({ size: 8, align: 4 });
    expect(layoutAggregate('struct a { int (*fn)(int); char c; }', types())).toEqual({ size: 16, align: 8 });
  });

  it('unknown rather than wrong: a bit-field, an unknown member type, an undecidable #if', () => {
    expect(layoutAggregate('struct a { int x : 3; int y : 5; }', types())).toBeUndefined();
    expect(layoutAggregate('struct a { struct nowhere n; }', types())).toBeUndefined();
    expect(layoutAggregate('struct a { int x;\n#if SOME_RUNTIME_THING\n int y;\n#endif\n}', types())).toBeUndefined();
  });

  it('CONFIG_ branches inside a body follow the x86_64 defconfig', () => {
    const def = 'struct a {\n\tint x;\n#ifdef CONFIG_SMP\n\tu64 cpu_data;\n#else\n\tchar none;\n#endif\n#if IS_ENABLED(CONFIG_IPV6) && !defined(CONFIG_NOPE)\n\tint v6;\n#endif\n}';
    expect(layoutAggregate(def, types(readDefconfig('CONFIG_SMP=y\nCONFIG_IPV6=y\n# CONFIG_NOPE is not set\n')))).toEqual({ size: 24, align: 8 });
    expect(layoutAggregate(def, types(readDefconfig('')))).toEqual({ size: 8, align: 4 });
  });
});

describe('the core type headers read under the configuration (include/linux/types.h: dma_addr_t)', () => {
  const types = '#ifdef CONFIG_ARCH_DMA_ADDR_T_64BIT\ntypedef u64 dma_addr_t;\n#else\ntypedef u32 dma_addr_t;\n#endif\n#if defined(__SOMETHING_UNKNOWN)\ntypedef int maybe_t;\n#else\ntypedef long maybe_t;\n#endif\n';

  it('x86_64 selects ARCH_DMA_ADDR_T_64BIT (from 64BIT; a defconfig never lists it): the u64 branch', () => {
    const config = readDefconfig('');
    expect(config.has('CONFIG_ARCH_DMA_ADDR_T_64BIT')).toBe(true);
    const chosen = selectBranches(types, configDecider(config, () => undefined), true)!;
    // The decided conditional keeps one branch; the undecided one keeps both, as without configuration.
    expect(extractTypedefs(chosen)).toEqual([
      ['dma_addr_t', 'u64'],
      ['maybe_t', 'int'],
      ['maybe_t', 'long'],
    ]);
  });

  it('without keepUndecided an undecidable condition makes the text unknown', () => {
    expect(selectBranches(types, configDecider(new Set(), () => undefined))).toBeUndefined();
  });
});
