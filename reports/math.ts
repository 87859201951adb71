/**
 * LaTeX → MathML for the report page (tables T1/T2): KaTeX with MathML output only, so the
 * page needs no stylesheet, font or script and stays self-contained. The LaTeX source
 * stays inside the MathML as its `<annotation encoding="application/x-tex">`.
 *
 * @module
 */

import katex from "katex";

/** Letter ranges of Unicode's Mathematical Alphanumeric Symbols, with the letters Unicode placed elsewhere. */
interface Alphabet {
  upper: number;
  lower?: number;
  holes: Record<string, number>;
}

/**
 * The `mathvariant` values KaTeX writes that MathML Core (Chromium) ignores on `<mi>`, as
 * the Unicode letters that carry the style themselves.
 */
const ALPHABETS: Record<string, Alphabet> = {
  script: {
    upper: 0x1d49c,
    lower: 0x1d4b6,
    holes: {
      B: 0x212c,
      E: 0x2130,
      F: 0x2131,
      H: 0x210b,
      I: 0x2110,
      L: 0x2112,
      M: 0x2133,
      R: 0x211b,
      e: 0x212f,
      g: 0x210a,
      o: 0x2134,
    },
  },
  bold: { upper: 0x1d400, lower: 0x1d41a, holes: {} },
  "double-struck": {
    upper: 0x1d538,
    lower: 0x1d552,
    holes: { C: 0x2102, H: 0x210d, N: 0x2115, P: 0x2119, Q: 0x211a, R: 0x211d, Z: 0x2124 },
  },
};

function styled(letters: string, a: Alphabet): string {
  return [...letters].map((ch) => {
    const hole = a.holes[ch];
    if (hole !== undefined) return String.fromCodePoint(hole);
    const upper = ch >= "A" && ch <= "Z";
    const base = upper ? a.upper : a.lower;
    if (base === undefined) return ch;
    return String.fromCodePoint(base + ch.charCodeAt(0) - (upper ? 65 : 97));
  }).join("");
}

/** Replaces `<mi mathvariant="script">L</mi>` and the like by the styled Unicode letters. */
function unicodeVariants(mathml: string): string {
  return mathml.replace(
    /<mi mathvariant="([a-z-]+)">([A-Za-z]+)<\/mi>/g,
    (whole, variant: string, letters: string) => {
      const a = ALPHABETS[variant];
      return a ? `<mi>${styled(letters, a)}</mi>` : whole;
    },
  );
}

/**
 * The formula as a MathML `<math>` element (display style), or `null` when KaTeX cannot
 * parse it (the caller shows the source instead). Untrusted commands (`\href`,
 * `\includegraphics`, …) are not honoured; text is escaped by KaTeX.
 */
export function latexToMathml(latex: string): string | null {
  let html: string;
  try {
    html = katex.renderToString(latex, {
      output: "mathml",
      displayMode: true,
      throwOnError: true,
      trust: false,
      strict: "ignore",
    });
  } catch (e) {
    if (e instanceof katex.ParseError) return null;
    throw e;
  }
  // KaTeX wraps the element in <span class="katex">…</span>, which needs its CSS; keep the <math> only.
  const start = html.indexOf("<math");
  const end = html.lastIndexOf("</math>");
  if (start < 0 || end < 0) return null;
  return unicodeVariants(html.slice(start, end + "</math>".length));
}
