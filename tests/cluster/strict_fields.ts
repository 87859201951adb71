/**
 * Unknown-field detection on top of a compiled JSON-schema validator. The Kubernetes
 * OpenAPI schema (and so `kubernetes-models`) accepts unknown properties, which the API
 * server then drops or, with strict field validation (`kubectl apply --validate=strict`),
 * refuses. Here the validator runs over a proxy of the data that records which properties
 * it reads: a property it never reads on an object it never enumerates (maps such as
 * labels or resource requests are enumerated) is unknown to the schema.
 *
 * @module
 */

/** A compiled validator (ajv style): true when valid. */
export type Validate = (data: unknown) => boolean;

interface Seen {
  path: string;
  target: object;
  read: Set<string>;
  enumerated: boolean;
}

/** Paths (`/spec/template/spec/bogus`) of the properties of `data` that `validate` never looked at. */
export function unknownFields(validate: Validate, data: unknown): string[] {
  const seen = new Map<object, Seen>();
  const proxies = new Map<object, object>();
  const wrap = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== "object") return value;
    const cached = proxies.get(value);
    if (cached) return cached;
    const info: Seen = { path, target: value, read: new Set(), enumerated: false };
    seen.set(value, info);
    const proxy = new Proxy(value, {
      get(t, k, r) {
        const v = Reflect.get(t, k, r);
        if (typeof k !== "string" || !Object.hasOwn(t, k)) return v;
        info.read.add(k);
        return wrap(v, `${path}/${k}`);
      },
      has(t, k) {
        if (typeof k === "string") info.read.add(k);
        return Reflect.has(t, k);
      },
      ownKeys(t) {
        info.enumerated = true;
        return Reflect.ownKeys(t);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  validate(wrap(data, ""));
  const unknown: string[] = [];
  for (const s of seen.values()) {
    if (Array.isArray(s.target) || s.enumerated) continue;
    for (const k of Object.keys(s.target)) if (!s.read.has(k)) unknown.push(`${s.path}/${k}`);
  }
  return unknown.sort();
}
