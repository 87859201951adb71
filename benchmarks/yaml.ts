/**
 * A small YAML writer for plain data (objects, arrays, strings, numbers, booleans, null),
 * enough for Kubernetes manifests. Strings are written double-quoted (JSON escapes), which
 * every YAML parser reads back exactly.
 *
 * @module
 */

/** Plain data YAML can hold. */
export type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

function scalar(v: string | number | boolean | null): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function isScalar(v: Plain): v is string | number | boolean | null {
  return v === null || typeof v !== "object";
}

function lines(v: Plain, indent: string): string[] {
  if (isScalar(v)) return [indent + scalar(v)];
  if (Array.isArray(v)) {
    if (v.length === 0) return [indent + "[]"];
    const out: string[] = [];
    for (const item of v) {
      if (isScalar(item) || (typeof item === "object" && Object.keys(item).length === 0)) {
        out.push(`${indent}- ${isScalar(item) ? scalar(item) : Array.isArray(item) ? "[]" : "{}"}`);
      } else {
        const inner = lines(item, indent + "  ");
        out.push(`${indent}- ${inner[0].slice(indent.length + 2)}`, ...inner.slice(1));
      }
    }
    return out;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return [indent + "{}"];
  const out: string[] = [];
  for (const k of keys) {
    const val = v[k];
    const key = /^[A-Za-z_][A-Za-z0-9_.\/-]*$/.test(k) ? k : JSON.stringify(k);
    if (
      isScalar(val) || (Array.isArray(val) && val.length === 0) ||
      (!Array.isArray(val) && Object.keys(val).length === 0)
    ) {
      out.push(`${indent}${key}: ${isScalar(val) ? scalar(val) : Array.isArray(val) ? "[]" : "{}"}`);
    } else {
      out.push(`${indent}${key}:`, ...lines(val, indent + "  "));
    }
  }
  return out;
}

/** One YAML document. */
export function toYaml(doc: Plain): string {
  return lines(doc, "").join("\n") + "\n";
}

/** Several YAML documents separated by `---`. */
export function toYamlDocuments(docs: Plain[]): string {
  return docs.map(toYaml).join("---\n");
}
