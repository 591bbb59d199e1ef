/**
 * The architectures a tree's formats are predicted for (`--arch`), and what differs between them for the
 * prediction: the size of `long` and pointers, how 8-byte integers align inside a struct, the macros the
 * build defines, the headers of the basic types, the defconfig that decides `#if`s in struct bodies, and the
 * symbols that are fixed for every kernel of that architecture (./x86-64-config.ts reads the rest).
 *
 * - x86_64: LP64, every scalar at its natural alignment (the default; what tpdrift always predicted).
 * - arm64: LP64 as x86_64, but plain `char` is unsigned (AAPCS64); its own arch/arm64 headers, defconfig
 *   and generic syscall table.
 * - i386 (System V i386 ABI): 4-byte long and pointers; `long long`/u64/s64 are 4-byte aligned inside
 *   structs (so a u64 after an int sits at offset 4, not 8).
 * - arm (EABI, what every current 32-bit ARM kernel is built for): 4-byte long and pointers; 8-byte
 *   integers keep 8-byte alignment; plain `char` is unsigned (AAPCS).
 */

export const TREE_ARCHES = ['x86_64', 'arm64', 'i386', 'arm'] as const;
export type TreeArch = (typeof TREE_ARCHES)[number];

export interface ArchRules {
  name: TreeArch;
  /** arch/<dir>/ of the tree. */
  dir: 'x86' | 'arm64' | 'arm';
  /** sizeof(long) = sizeof(void *). */
  word: 4 | 8;
  /** Alignment of an 8-byte integer inside a struct (i386: 4). */
  align8: 4 | 8;
  /** The defconfig whose `CONFIG_X=y` lines decide `#if`s in struct bodies when no --kconfig is given. */
  defconfig: string;
  /** Options every kernel of the architecture has, which a defconfig never lists (its Kconfig selects them). */
  selected: readonly string[];
  /** Symbols fixed for every kernel of the architecture, for the three-valued logic (./x86-64-config.ts). */
  fixed: ReadonlyMap<string, boolean>;
  /** Kconfig blocks of arch/<dir>/Kconfig whose unconditional `select`s hold on this architecture, and those that never do. */
  kconfigBlocks: { always: readonly string[]; never: readonly string[] };
  /** Macros the build defines beside the configuration. */
  buildDefines: Readonly<Record<string, bigint>>;
  /** Macros the build never defines on this architecture (another architecture's or byte order's). */
  undefinedMacros: readonly string[];
  /** The architecture's posix_types header, one of the core type headers (./layout.ts). */
  posixTypes: string;
  /** Whether plain `char` is unsigned by the ABI (ARM's are; x86's is signed unless -funsigned-char, 6.2+). */
  unsignedChar: boolean;
}

const LITTLE = { __KERNEL__: 1n, __LITTLE_ENDIAN_BITFIELD: 1n, __LITTLE_ENDIAN: 1234n } as const;
const NOT_DEFINED = ['__BIG_ENDIAN_BITFIELD', '__BIG_ENDIAN', '__ASSEMBLY__', '__GLIBC__'];

const RULES: Record<TreeArch, ArchRules> = {
  x86_64: {
    name: 'x86_64',
    dir: 'x86',
    word: 8,
    align8: 8,
    defconfig: 'arch/x86/configs/x86_64_defconfig',
    selected: ['CONFIG_X86', 'CONFIG_X86_64', 'CONFIG_64BIT', 'CONFIG_MMU', 'CONFIG_ARCH_DMA_ADDR_T_64BIT', 'CONFIG_PHYS_ADDR_T_64BIT'],
    fixed: new Map([['CONFIG_64BIT', true], ['CONFIG_X86_64', true], ['CONFIG_X86', true], ['CONFIG_X86_32', false]]),
    kconfigBlocks: { always: ['X86', 'X86_64'], never: ['X86_32'] },
    buildDefines: { __KERNEL__: 1n, __x86_64__: 1n, __LITTLE_ENDIAN_BITFIELD: 1n, __LITTLE_ENDIAN: 1234n, __BITS_PER_LONG: 64n, BITS_PER_LONG: 64n },
    undefinedMacros: ['__i386__', ...NOT_DEFINED],
    posixTypes: 'arch/x86/include/uapi/asm/posix_types_64.h',
    unsignedChar: false,
  },
  arm64: {
    name: 'arm64',
    dir: 'arm64',
    word: 8,
    align8: 8,
    defconfig: 'arch/arm64/configs/defconfig',
    selected: ['CONFIG_ARM64', 'CONFIG_64BIT', 'CONFIG_MMU', 'CONFIG_ARCH_DMA_ADDR_T_64BIT', 'CONFIG_PHYS_ADDR_T_64BIT'],
    fixed: new Map([['CONFIG_64BIT', true], ['CONFIG_ARM64', true], ['CONFIG_ARM', false], ['CONFIG_X86', false], ['CONFIG_X86_64', false], ['CONFIG_X86_32', false]]),
    kconfigBlocks: { always: ['ARM64'], never: [] },
    buildDefines: { ...LITTLE, __aarch64__: 1n, __BITS_PER_LONG: 64n, BITS_PER_LONG: 64n },
    undefinedMacros: ['__i386__', '__x86_64__', '__arm__', ...NOT_DEFINED, '__AARCH64EB__'],
    posixTypes: 'arch/arm64/include/uapi/asm/posix_types.h',
    unsignedChar: true,
  },
  i386: {
    name: 'i386',
    dir: 'x86',
    word: 4,
    align8: 4,
    defconfig: 'arch/x86/configs/i386_defconfig',
    selected: ['CONFIG_X86', 'CONFIG_X86_32', 'CONFIG_MMU'],
    fixed: new Map([['CONFIG_64BIT', false], ['CONFIG_X86_64', false], ['CONFIG_X86', true], ['CONFIG_X86_32', true]]),
    kconfigBlocks: { always: ['X86', 'X86_32'], never: ['X86_64'] },
    buildDefines: { ...LITTLE, __i386__: 1n, __BITS_PER_LONG: 32n, BITS_PER_LONG: 32n },
    undefinedMacros: ['__x86_64__', ...NOT_DEFINED],
    posixTypes: 'arch/x86/include/uapi/asm/posix_types_32.h',
    unsignedChar: false,
  },
  arm: {
    name: 'arm',
    dir: 'arm',
    word: 4,
    align8: 8,
    defconfig: 'arch/arm/configs/multi_v7_defconfig',
    selected: ['CONFIG_ARM', 'CONFIG_MMU', 'CONFIG_AEABI'],
    fixed: new Map([['CONFIG_64BIT', false], ['CONFIG_ARM', true], ['CONFIG_ARM64', false], ['CONFIG_X86', false], ['CONFIG_X86_64', false], ['CONFIG_X86_32', false]]),
    kconfigBlocks: { always: ['ARM'], never: [] },
    buildDefines: { ...LITTLE, __arm__: 1n, __ARM_EABI__: 1n, __BITS_PER_LONG: 32n, BITS_PER_LONG: 32n },
    undefinedMacros: ['__i386__', '__x86_64__', '__aarch64__', ...NOT_DEFINED, '__ARMEB__'],
    posixTypes: 'arch/arm/include/uapi/asm/posix_types.h',
    unsignedChar: true,
  },
};

export const DEFAULT_ARCH: TreeArch = 'x86_64';

export function archRules(arch: TreeArch = DEFAULT_ARCH): ArchRules {
  return RULES[arch];
}

export function isTreeArch(s: string): s is TreeArch {
  return (TREE_ARCHES as readonly string[]).includes(s);
}
