/**
 * Deterministic, diff-friendly JSON: objects and arrays that hold only scalars go on one line, everything
 * else is indented. Key order is the order the objects were built in (see model/canonical.ts).
 *
 * V8's JSON.stringify does the work, indented; the lines of each container that holds only scalars are
 * then folded onto its opening line. Rendering container by container in JavaScript took longer, in a fresh
 * process: 80-145 ms against 58-75 ms for a 2.2 MB capture snapshot, 290-335 ms against 260-310 ms for a
 * 17 MB tree snapshot.
 */
export function stableStringify(value: unknown): string {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  return text === undefined ? 'null' : foldScalarContainers(text);
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const SPACE = 0x20;

/**
 * Indented JSON has one member per line, and escaped strings hold no line breaks. A line that ends (before
 * its comma) in a bracket opens, closes or is an empty container; any other line is a scalar member, since
 * strings end in a quote. A line that starts (after its indent) with a closing bracket closes a container.
 * Walked with indexOf over the one string, not split into lines: on a 17 MB tree snapshot, splitting made
 * the fold slower than the renderer it replaces.
 */
function foldScalarContainers(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  let lineStart = 0;
  for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', lineStart)) {
    lineStart = newline + 1;
    const last = text.charCodeAt(newline - 1);
    if (last !== OPEN_BRACE && last !== OPEN_BRACKET) continue;
    const closer = scalarMembersEnd(text, lineStart);
    if (closer < 0) continue;
    // The opening line, then each member without its indent, then the closing bracket (its comma and line
    // break are copied with what follows).
    parts.push(text.slice(copied, newline));
    let member = skipIndent(text, lineStart);
    while (member < closer) {
      const end = text.indexOf('\n', member);
      parts.push(text.slice(member, end));
      member = skipIndent(text, end + 1);
      if (member < closer) parts.push(' ');
    }
    copied = closer;
    lineStart = closer;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/** Where the closing bracket is, when every line from `from` up to it is a scalar member; -1 otherwise. */
function scalarMembersEnd(text: string, from: number): number {
  let line = from;
  for (;;) {
    const first = skipIndent(text, line);
    const c = text.charCodeAt(first);
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET) return first;
    let end = text.indexOf('\n', first);
    if (end < 0) return -1;
    let last = end - 1;
    if (text.charCodeAt(last) === COMMA) last--;
    const l = text.charCodeAt(last);
    if (l === OPEN_BRACE || l === OPEN_BRACKET || l === CLOSE_BRACE || l === CLOSE_BRACKET) return -1;
    line = end + 1;
  }
}

function skipIndent(text: string, at: number): number {
  while (text.charCodeAt(at) === SPACE) at++;
  return at;
}
