import { describe, expect, it } from 'vitest';
import { ExpansionLimit, expandMacros, type MacroDef } from '../../src/sources/tree/macros.js';

const table = (defs: MacroDef[]) => (n: string) => defs.find((d) => d.name === n);

describe('local macro expansion', () => {
  it('pastes, stringifies and handles variadic arguments', () => {
    const l = table([
      { name: 'EV', params: ['name'], body: 'DEFINE_EVENT(cls, name##_entry, #name)' },
      { name: 'V', params: ['fmt'], variadic: 'args', body: 'TP_printk(fmt, ## args)' },
    ]);
    expect(expandMacros('EV(foo)', l)).toBe('DEFINE_EVENT(cls, foo_entry, "foo")');
    expect(expandMacros('V("x=%d", a)', l)).toBe('TP_printk("x=%d",a)');
    expect(expandMacros('V("x")', l)).toBe('TP_printk("x")');
  });

  it('does not expand a macro inside its own expansion and caps mutual recursion', () => {
    const l = table([
      { name: 'SELF', params: ['x'], body: 'SELF(x) + 1' },
      { name: 'A', body: 'B' },
      { name: 'B', body: 'A' },
    ]);
    expect(expandMacros('SELF(2)', l)).toBe('SELF(2) + 1');
    expect(expandMacros('A', l)).toBe('A');
    const deep: MacroDef[] = Array.from({ length: 100 }, (_, i) => ({ name: `M${i}`, body: `M${i + 1}` }));
    expect(() => expandMacros('M0', table(deep))).toThrow(ExpansionLimit);
  });

  it('keeps the line count of an expanded invocation', () => {
    const l = table([{ name: 'F', params: ['a', 'b'], body: 'a b' }]);
    expect(expandMacros('F(1,\n2)\nX', l).split('\n').length).toBe(3);
  });
});
