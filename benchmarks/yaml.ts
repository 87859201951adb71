/**
 * A small YAML writer for plain data (objects, arrays, strings, numbers, booleans, null),
 * enough for Kubernetes manifests. Strings are written double-quoted (JSON escapes), which
 * every YAML parser reads back exactly; a multi-line string (a container's shell script)
 * is written as a literal block (`|` / `|-`) when it reads back exactly that way.
 *
 * @module
 */

/** Plain data YAML can hold. */
export type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

function scalar(v: string | number | boolean | null): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** Whether `s` reads back exactly from a literal block (`|` or `|-`) indented under its key. */
function blockable(s: string): boolean {
  // Printable text (tabs allowed) over several lines, no leading blank or line break
  // (that would need an indentation indicator), at most one final line break.
  if (!s.includes("\n") || /^[ \n]/.test(s) || s.endsWith("\n\n")) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const control = (c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f);
    if (control || c === 0x2028 || c === 0x2029 || c === 0xfeff || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/** A literal block of `s` under `indent` + 2: the header and the lines. */
function block(s: string, indent: string): string[] {
  const body = s.endsWith("\n") ? s.slice(0, -1) : s;
  return [s.endsWith("\n") ? "|" : "|-", ...body.split("\n").map((l) => l === "" ? "" : `${indent}  ${l}`)];
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
      if (typeof item === "string" && blockable(item)) {
        const [head, ...rest] = block(item, indent);
        out.push(`${indent}- ${head}`, ...rest);
      } else if (isScalar(item) || (typeof item === "object" && Object.keys(item).length === 0)) {
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
    if (typeof val === "string" && blockable(val)) {
      const [head, ...rest] = block(val, indent);
      out.push(`${indent}${key}: ${head}`, ...rest);
    } else if (
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
