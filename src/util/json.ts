/**
 * Deterministic, diff-friendly JSON: objects and arrays that hold only scalars go on one line, everything
 * else is indented. Key order is the order the objects were built in (see model/canonical.ts).
 */
export function stableStringify(value: unknown, indent = '  '): string {
  return render(value, '', indent);
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function render(value: unknown, pad: string, indent: string): string {
  if (isScalar(value)) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isScalar)) return '[' + value.map((v) => JSON.stringify(v)).join(', ') + ']';
    const inner = pad + indent;
    return '[\n' + value.map((v) => inner + render(v, inner, indent)).join(',\n') + '\n' + pad + ']';
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  if (entries.every(([, v]) => isScalar(v))) {
    return '{' + entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ') + '}';
  }
  const inner = pad + indent;
  return (
    '{\n' + entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${render(v, inner, indent)}`).join(',\n') + '\n' + pad + '}'
  );
}
