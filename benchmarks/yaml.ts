/**
 * YAML for the Kubernetes manifests, written by the `yaml` package with the YAML 1.1
 * schema: Kubernetes reads manifests as YAML 1.1, where `yes`, `no`, `on`, `off`, `y`, `n`,
 * `0644` or `12:00:00` are booleans and numbers, so such strings come out quoted. A
 * multi-line string (a container's shell script) is a literal block (`|` / `|-`); long lines
 * are never folded.
 *
 * @module
 */
import { stringify } from "yaml";

/** Plain data YAML can hold. */
export type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

/** One YAML document. */
export function toYaml(doc: Plain): string {
  return stringify(doc, { version: "1.1", lineWidth: 0, blockQuote: "literal" });
}

/** Several YAML documents separated by `---`. */
export function toYamlDocuments(docs: Plain[]): string {
  return docs.map(toYaml).join("---\n");
}
