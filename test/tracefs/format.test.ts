import { describe, expect, it } from 'vitest';
import { parseFieldDeclaration, parseFormat, parsePrintFormat } from '../../src/sources/tracefs/format.js';
import { InputError } from '../../src/errors.js';

const HEAD = 'name: ev\nID: 7\nformat:\n\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n';

describe('field declarations (every form real kernels print)', () => {
  it.each([
    ['int prio', { name: 'prio', type: 'int' }],
    ['const char * filename', { name: 'filename', type: 'const char *' }],
    ['struct robust_list_head * * head_ptr', { name: 'head_ptr', type: 'struct robust_list_head * *' }],
    ['char comm[16]', { name: 'comm', type: 'char', array: 16 }],
    ['__u8 buf[32 + 2]', { name: 'buf', type: '__u8', array: 34 }],
    ['char comm[TASK_COMM_LEN]', { name: 'comm', type: 'char', array: 'TASK_COMM_LEN' }],
    ['u8 ht_capa[(int)sizeof(struct ieee80211_ht_cap)]', { name: 'ht_capa', type: 'u8', array: '(int)sizeof(struct ieee80211_ht_cap)' }],
    ['unsigned long args[]', { name: 'args', type: 'unsigned long', array: '[]' }],
    ['__data_loc char[] name', { name: 'name', type: 'char', array: '[]', dynamic: 'data_loc' }],
    ['__rel_loc u8[] buf', { name: 'buf', type: 'u8', array: '[]', dynamic: 'rel_loc' }],
    ['__data_loc struct nvmap_handle *[] ids', { name: 'ids', type: 'struct nvmap_handle *', array: '[]', dynamic: 'data_loc' }],
  ])('%s', (decl, want) => {
    expect(parseFieldDeclaration(decl)).toEqual(want);
  });
});

describe('format files', () => {
  it('reads fields without signed: (kernels before 2.6.32) and with spaces instead of tabs', () => {
    const f = parseFormat(`${HEAD}        field:int x; offset:8; size:4;\n\nprint fmt: "x=%d", REC->x\n`, 'f');
    expect(f.fields[1]).toEqual({ name: 'x', type: 'int', size: 4, offset: 8 });
  });

  it('keeps a print format that spans lines and one with unescaped quotes', () => {
    expect(parseFormat(`${HEAD}print fmt: "a=%s\nb=%s", __get_str(a), __get_str(b)\n`, 'f').print).toEqual({
      fmt: 'a=%s\nb=%s',
      args: ['__get_str(a)', '__get_str(b)'],
    });
    expect(parsePrintFormat('""%s" %x %o", __get_str(filename), REC->flags, REC->mode')).toEqual({
      fmt: '"%s" %x %o',
      args: ['__get_str(filename)', 'REC->flags', 'REC->mode'],
    });
  });

  it('splits print arguments only at top-level commas', () => {
    expect(parsePrintFormat('"%s", __print_flags(REC->f, "|", { 1, "A,B" }, { 2, "C" })')!.args).toEqual([
      '__print_flags(REC->f, "|", { 1, "A,B" }, { 2, "C" })',
    ]);
  });

  it('accepts a format with no print fmt (a truncated real capture has one)', () => {
    expect(parseFormat(HEAD, 'f').print).toBeUndefined();
  });

  it.each([
    ['no name line', 'ID: 1\nformat:\n', "f: not a format file (no 'name:' line)"],
    ['a mangled field line', `${HEAD}\tfield:int x;\toffset:8;\n`, "f:6: malformed field line 'field:int x;\toffset:8;'"],
    ['an absurd size', `${HEAD}\tfield:int x;\toffset:8;\tsize:99999999999;\tsigned:1;\n`, 'f:6: field x: size 99999999999 out of range'],
    ['signed:2', `${HEAD}\tfield:int x;\toffset:8;\tsize:4;\tsigned:2;\n`, 'f:6: field x: signed:2 is not 0 or 1'],
    ['an unterminated print fmt', `${HEAD}print fmt: "x=%d, REC->x\n`, 'f:6: unreadable print fmt: unterminated string literal'],
    ['unbalanced print arguments', `${HEAD}print fmt: "x=%d", (REC->x\n`, "f:6: unreadable print fmt: missing ')'"],
    ['binary data', `${HEAD}\0\0`, 'f: binary data (NUL byte) in a format file'],
    ['something else', `${HEAD}hello\n`, "f:6: unexpected line 'hello'"],
  ])('rejects %s with the file and line', (_name, text, message) => {
    try {
      parseFormat(text, 'f');
      expect.fail('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).describe()).toBe(message);
    }
  });
});
