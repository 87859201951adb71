/**
 * The one narrow module through which the suite calls oneDNN (Debian `libdnnl2`, the library
 * behind PyTorch's CPU convolutions) via Deno FFI. Every argument is checked here before the
 * call: a shape that does not match its arrays is a JavaScript error, never a read or write
 * past an array inside C. A shape the library refuses (no implementation) is reported as
 * `false` so the caller can fall back.
 *
 * Supported: oneDNN 2.x only (the 2.x C API builds operation descriptors with `*_desc_init`
 * and `dnnl_primitive_desc_create`; 3.x replaced both, so a 3.x library is refused with one
 * line). Threads: the library's OpenMP runtime (`omp_set_num_threads` from libgomp).
 *
 * Arrays are passed to C without copies (FFI `buffer` arguments): the native backend hands
 * views of the tfjs-wasm heap, so oneDNN reads and writes the tensors in place.
 *
 * @module
 */
import { DNNL_ABI as A, DNNL_ISA_NAMES } from "./dnnl_abi.ts";

/** The C functions used, with their FFI signatures (oneDNN 2.x `dnnl.h`). */
const SYMBOLS = {
  dnnl_version: { parameters: [], result: "pointer" },
  dnnl_get_effective_cpu_isa: { parameters: [], result: "i32", optional: true },
  dnnl_engine_create: { parameters: ["buffer", "i32", "usize"], result: "i32" },
  dnnl_stream_create: { parameters: ["buffer", "pointer", "u32"], result: "i32" },
  dnnl_stream_wait: { parameters: ["pointer"], result: "i32" },
  dnnl_memory_desc_init_by_tag: { parameters: ["buffer", "i32", "buffer", "i32", "i32"], result: "i32" },
  dnnl_dilated_convolution_forward_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "pointer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_data_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_weights_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "pointer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_batch_normalization_forward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "f32", "u32"],
    result: "i32",
  },
  dnnl_batch_normalization_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "u32"],
    result: "i32",
  },
  dnnl_eltwise_forward_desc_init: {
    parameters: ["buffer", "i32", "i32", "buffer", "f32", "f32"],
    result: "i32",
  },
  dnnl_eltwise_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "f32"],
    result: "i32",
  },
  dnnl_binary_desc_init: { parameters: ["buffer", "i32", "buffer", "buffer", "buffer"], result: "i32" },
  dnnl_primitive_desc_create: {
    parameters: ["buffer", "buffer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_desc_query: { parameters: ["pointer", "i32", "i32", "buffer"], result: "i32" },
  dnnl_primitive_desc_query_md: { parameters: ["pointer", "i32", "i32"], result: "pointer" },
  dnnl_memory_desc_equal: { parameters: ["buffer", "buffer"], result: "i32" },
  dnnl_memory_desc_get_size: { parameters: ["buffer"], result: "usize" },
  dnnl_reorder_primitive_desc_create: {
    parameters: ["buffer", "buffer", "pointer", "buffer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_desc_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_create: { parameters: ["buffer", "pointer"], result: "i32" },
  dnnl_primitive_execute: { parameters: ["pointer", "pointer", "i32", "buffer"], result: "i32" },
  dnnl_memory_create: { parameters: ["buffer", "buffer", "pointer", "pointer"], result: "i32" },
  dnnl_memory_set_data_handle: { parameters: ["pointer", "buffer"], result: "i32" },
  dnnl_sgemm: {
    parameters: [
      "u8",
      "u8",
      "i64",
      "i64",
      "i64",
      "f32",
      "buffer",
      "i64",
      "buffer",
      "i64",
      "f32",
      "buffer",
      "i64",
    ],
    result: "i32",
  },
} as const;

const OMP_SYMBOLS = {
  omp_set_num_threads: { parameters: ["i32"], result: "void" },
  omp_get_max_threads: { parameters: [], result: "i32" },
} as const;

type DnnlLib = Deno.DynamicLibrary<typeof SYMBOLS>;
type OmpLib = Deno.DynamicLibrary<typeof OMP_SYMBOLS>;

/** File names tried for oneDNN 2.x, by OS (`AMCL_DNNL_LIB` overrides). */
const LIB_NAMES: Record<string, string[]> = {
  linux: ["libdnnl.so.2"],
  darwin: ["libdnnl.2.dylib"],
  windows: ["dnnl.dll"],
};
/** oneDNN 3.x file names: found means "installed, but an unsupported version". */
const LIB3_NAMES: Record<string, string[]> = {
  linux: ["libdnnl.so.3"],
  darwin: ["libdnnl.3.dylib"],
  windows: [],
};
const OMP_NAMES = ["libgomp.so.1", "libomp.so", "libomp.dylib", "libiomp5.so"];

/** What to install, per platform: one line for "asked for and absent". */
export const DNNL_INSTALL_HINT = "install oneDNN 2.x: Debian/Ubuntu `apt install libdnnl2`, Fedora " +
  "`dnf install onednn` (a 2.x release); macOS Homebrew's `onednn` is 3.x, which is not supported";

/** The library's version and build facts. */
export interface DnnlVersion {
  major: number;
  minor: number;
  patch: number;
  hash: string;
  /** CPU threading runtime: omp, tbb, seq, threadpool. */
  runtime: string;
}

/** Why the library is not usable here (with the fix). */
export interface DnnlAbsent {
  available: false;
  reason: string;
}

/** The geometry of one NHWC convolution with an HWIO filter (tfjs's layouts). */
export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  cin: number;
  ho: number;
  wo: number;
  cout: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  /** Padding before (top, left); the padding after follows from the sizes. */
  pt: number;
  pl: number;
}

/**
 * Which pass: `forward` (a = x, b = filter, out = y), `backward_data` (a = dy, b = filter,
 * out = dx), `backward_weights` (a = x, b = dy, out = dw).
 */
export type ConvPass = "forward" | "backward_data" | "backward_weights";

/**
 * Which batch-norm pass (training mode, statistics over every position of each channel):
 * `stats` (x → mean, variance; biased), `apply` (x, mean, variance, γ, β → y), `train` (x, γ,
 * β → y, mean, variance: both in one primitive) and `backward` (dy, x, mean, variance, γ → dx,
 * dγ, dβ).
 */
export type BnPass = "stats" | "apply" | "train" | "backward";

/** The arrays of one batch-norm pass, by name (see {@link BnPass}); every per-channel array has C floats. */
export type BnArrays = Record<string, Float32Array>;

/** A cached batch-norm primitive: one memory object per argument, data handles set per call. */
interface BnPrimitive {
  step: Step;
  mems: Deno.PointerValue[];
  /** Argument names in the order of `mems`. */
  names: string[];
}

/**
 * An element-wise operation: `relu` (out = max(a, 0)), `exp`, `log`, `logistic` (1 / (1 + e^−a);
 * oneDNN's approximations, a few ulp from the correctly rounded value), `add`, `sub`, `mul`, `div` (out = a ∘ b) and
 * `gt` (out = 1 where a > b, else 0), `relu_bwd` (a = the ReLU's input x, b = dy: out = dy where
 * x > 0, else dy·0).
 */
export type EltOp = "relu" | "exp" | "log" | "logistic" | "add" | "sub" | "mul" | "div" | "gt" | "relu_bwd";

/** The one-input element-wise ops (the rest take a second operand, except `relu_bwd`). */
const UNARY_ELT: ReadonlySet<EltOp> = new Set(["relu", "exp", "log", "logistic"]);

/**
 * Element-wise ops below this many outputs run on one thread: waking a sleeping OpenMP
 * thread costs ≈ 30 µs here, more than a second core saves below ≈ 0.5 M floats (an add of
 * 262 144 floats: 46 µs on one thread, 60 on two; of 1 M: 153 against 132).
 */
export const ELT_PARALLEL_MIN = 1 << 19;

/**
 * Products below this many multiply-adds run on one thread (waking the second costs more
 * than it saves: 128³ took 26 µs on one thread, 41 on two; 32×512×512 the same on both;
 * 64×2048×128 182 µs against 150).
 */
export const GEMM_PARALLEL_MIN = 1 << 23;

/** The most axes {@link Dnnl.elementwise} takes (plain row-major tags up to abcdef). */
export const ELT_MAX_RANK = 6;

/** A cached element-wise primitive: memory objects for a, b (binary ops only) and out. */
interface EltPrimitive {
  step: Step;
  mems: Deno.PointerValue[];
}

/** One primitive to execute, with its argument list (memory objects fixed at creation). */
interface Step {
  prim: Deno.PointerValue;
  args: Uint8Array<ArrayBuffer>;
  nargs: number;
}

/**
 * A cached convolution: memory objects for the three tensors in tfjs's plain layouts (their
 * data handles are set per call), and where oneDNN's chosen layout differs, a second memory
 * object in that layout (on a shared scratch buffer) with the reorders into and out of it.
 */
interface ConvPrimitive {
  plain: Deno.PointerValue[];
  blocked: (Deno.PointerValue | null)[];
  bytes: number[];
  steps: Step[];
  impl: string;
}

const STATUS_NAMES = [
  "success",
  "out_of_memory",
  "invalid_arguments",
  "unimplemented",
  "iterator_ends",
  "runtime_error",
  "not_required",
];

function statusName(s: number): string {
  return STATUS_NAMES[s] ?? `status ${s}`;
}

function errText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0].slice(0, 200);
}

function isPositiveInt(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 1;
}

function outPointer(): BigUint64Array<ArrayBuffer> {
  return new BigUint64Array(1);
}

function pointerAt(out: BigUint64Array): Deno.PointerValue {
  return Deno.UnsafePointer.create(out[0]);
}

function dims(...values: number[]): BigInt64Array<ArrayBuffer> {
  const d = new BigInt64Array(A.max_ndims);
  values.forEach((v, i) => d[i] = BigInt(v));
  return d;
}

/** Tries each file name; returns the opened library and its name, or the last error. */
function openFirst<S extends Deno.ForeignLibraryInterface>(
  names: string[],
  symbols: S,
): { lib: Deno.DynamicLibrary<S>; path: string } | { error: string } {
  let error = "no candidate file name for this OS";
  for (const path of names) {
    try {
      return { lib: Deno.dlopen(path, symbols), path };
    } catch (e) {
      const err = e as { name?: string };
      if (err?.name === "NotCapable" || err?.name === "PermissionDenied") {
        return { error: "FFI is not allowed; run deno with --allow-ffi" };
      }
      error = errText(e);
    }
  }
  return { error };
}

/** An opened oneDNN 2.x with one CPU engine and stream. Create it with {@link loadDnnl}. */
export class Dnnl {
  readonly available = true;
  readonly #lib: DnnlLib;
  readonly #omp: OmpLib | null;
  readonly #engine: Deno.PointerValue;
  readonly #stream: Deno.PointerValue;
  readonly #convs = new Map<string, ConvPrimitive | null>();
  readonly #bns = new Map<string, BnPrimitive | null>();
  readonly #elts = new Map<string, EltPrimitive | null>();
  #zeroFloats = new Float32Array(0);
  /** Buffers for tensors in oneDNN's blocked layouts, shared by every convolution (outside the wasm heap). */
  readonly #scratchViews: (Uint8Array<ArrayBuffer> | null)[] = [null, null, null];
  #threads: number;

  /** @internal Use {@link loadDnnl}. */
  constructor(
    lib: DnnlLib,
    readonly path: string,
    readonly version: DnnlVersion,
    omp: OmpLib | null,
  ) {
    this.#lib = lib;
    this.#omp = omp;
    const e = outPointer();
    this.#check(lib.symbols.dnnl_engine_create(e, A.engine_cpu, 0n), "engine_create");
    this.#engine = pointerAt(e);
    const s = outPointer();
    this.#check(lib.symbols.dnnl_stream_create(s, this.#engine, A.stream_default_flags), "stream_create");
    this.#stream = pointerAt(s);
    this.#threads = omp ? omp.symbols.omp_get_max_threads() : 1;
  }

  #check(status: number, what: string): void {
    if (status !== A.status_success) throw new Error(`oneDNN ${what} failed: ${statusName(status)}`);
  }

  /**
   * The file the library was loaded from (libc's `dladdr` on an address inside it), else the
   * name it was opened by.
   */
  file(): string {
    try {
      const libc = Deno.dlopen(Deno.build.os === "darwin" ? "libSystem.B.dylib" : "libc.so.6", {
        dladdr: { parameters: ["pointer", "buffer"], result: "i32" },
      });
      try {
        const info = new BigUint64Array(4); // Dl_info: fname, fbase, sname, saddr
        const inside = this.#lib.symbols.dnnl_version();
        if (inside && libc.symbols.dladdr(inside, info) !== 0 && info[0] !== 0n) {
          return Deno.UnsafePointerView.getCString(Deno.UnsafePointer.create(info[0])!);
        }
      } finally {
        libc.close();
      }
    } catch { /* no libc by that name: keep the name */ }
    return this.path;
  }

  /** The instruction set oneDNN's kernels use here (e.g. `avx512_core`), or "unknown". */
  isa(): string {
    const f = this.#lib.symbols.dnnl_get_effective_cpu_isa;
    if (!f) return "unknown";
    const v = f();
    return DNNL_ISA_NAMES[v] ?? `isa 0x${v.toString(16)}`;
  }

  /** Threads oneDNN runs on (the OpenMP team size of this thread). */
  threads(): number {
    return this.#threads;
  }

  /**
   * Sets the threads oneDNN uses from this thread on (OpenMP). Throws for a value that is not
   * an integer ≥ 1, or for a runtime other than OpenMP when n ≠ the current count.
   */
  setThreads(n: number): void {
    if (!isPositiveInt(n)) throw new Error(`threads must be an integer ≥ 1, got ${n}`);
    if (n === this.#threads) return;
    if (!this.#omp) {
      throw new Error(`oneDNN's ${this.version.runtime} runtime: the thread count cannot be set here`);
    }
    this.#omp.symbols.omp_set_num_threads(n);
    this.#threads = this.#omp.symbols.omp_get_max_threads();
  }

  /**
   * Row-major C = alpha·op(A)·op(B) + beta·C, op = transpose when `transA`/`transB`; A is
   * M×K (K×M transposed) with row stride lda, B is K×N (N×K) with ldb, C is M×N with ldc.
   * Throws when a stride or an array is too small for the sizes. Below {@link GEMM_PARALLEL_MIN}
   * multiply-adds it runs on one thread.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void {
    for (const [name, v] of [["M", m], ["N", n], ["K", k]] as const) {
      if (!isPositiveInt(v)) throw new Error(`sgemm: ${name} must be an integer ≥ 1, got ${v}`);
    }
    const [ar, ac] = transA ? [k, m] : [m, k];
    const [br, bc] = transB ? [n, k] : [k, n];
    const need = (what: string, arr: Float32Array, rows: number, cols: number, ld: number) => {
      if (!Number.isSafeInteger(ld) || ld < cols) {
        throw new Error(`sgemm: ld${what} ${ld} < ${cols} columns`);
      }
      const extent = (rows - 1) * ld + cols;
      if (arr.length < extent) throw new Error(`sgemm: ${what} has ${arr.length} floats, needs ${extent}`);
    };
    need("a", a, ar, ac, lda);
    need("b", b, br, bc, ldb);
    need("c", c, m, n, ldc);
    const T = 84, N = 78; // 'T', 'N'
    const team = m * n * k < GEMM_PARALLEL_MIN ? 1 : this.#threads;
    const s = this.#onThreads(team, () =>
      this.#lib.symbols.dnnl_sgemm(
        transA ? T : N,
        transB ? T : N,
        BigInt(m),
        BigInt(n),
        BigInt(k),
        alpha,
        a,
        BigInt(lda),
        b,
        BigInt(ldb),
        beta,
        c,
        BigInt(ldc),
      ));
    this.#check(s, "sgemm");
  }

  /**
   * Runs one convolution pass on NHWC activations and HWIO filters in place (see
   * {@link ConvPass} for what a, b and out are). Returns false when oneDNN has no
   * implementation for the shape (the caller falls back); throws when the geometry or an
   * array size is wrong.
   */
  conv(pass: ConvPass, g: ConvGeometry, a: Float32Array, b: Float32Array, out: Float32Array): boolean {
    const fields = ["n", "h", "w", "cin", "ho", "wo", "cout", "kh", "kw", "sh", "sw", "dh", "dw"] as const;
    for (const f of fields) {
      if (!isPositiveInt(g[f])) throw new Error(`conv: ${f} must be an integer ≥ 1, got ${g[f]}`);
    }
    if (!Number.isSafeInteger(g.pt) || !Number.isSafeInteger(g.pl) || g.pt < 0 || g.pl < 0) {
      throw new Error(`conv: padding before must be integers ≥ 0, got ${g.pt}, ${g.pl}`);
    }
    const pb = (g.ho - 1) * g.sh + (g.kh - 1) * g.dh + 1 - g.h - g.pt;
    const pr = (g.wo - 1) * g.sw + (g.kw - 1) * g.dw + 1 - g.w - g.pl;
    if (pb <= -g.sh || pr <= -g.sw) {
      throw new Error(`conv: output ${g.ho}×${g.wo} is inconsistent with input ${g.h}×${g.w} and the filter`);
    }
    const x = g.n * g.h * g.w * g.cin, y = g.n * g.ho * g.wo * g.cout, f = g.kh * g.kw * g.cin * g.cout;
    const [na, nb, no] = pass === "forward" ? [x, f, y] : pass === "backward_data" ? [y, f, x] : [x, y, f];
    const names = pass === "forward"
      ? ["x", "filter", "y"]
      : pass === "backward_data"
      ? ["dy", "filter", "dx"]
      : ["x", "dy", "dw"];
    for (const [arr, len, name] of [[a, na, names[0]], [b, nb, names[1]], [out, no, names[2]]] as const) {
      if (!(arr instanceof Float32Array)) throw new Error(`conv: ${name} must be a Float32Array`);
      if (arr.length !== len) {
        throw new Error(`conv: ${name} has ${arr.length} floats, the shape needs ${len}`);
      }
    }
    const key = `${pass}|${fields.map((k) => g[k]).join(",")}|${g.pt},${g.pl}|${this.#threads}`;
    let p = this.#convs.get(key);
    if (p === undefined) {
      p = this.#createConvBest(pass, g, pb, pr);
      this.#convs.set(key, p);
    }
    if (!p) return false;
    const sym = this.#lib.symbols;
    const arrays = [a, b, out];
    for (let i = 0; i < 3; i++) {
      this.#check(sym.dnnl_memory_set_data_handle(p.plain[i], arrays[i]), "memory_set_data_handle");
      const blocked = p.blocked[i];
      if (blocked) {
        this.#check(
          sym.dnnl_memory_set_data_handle(blocked, this.#scratch(i, p.bytes[i])),
          "memory_set_data_handle",
        );
      }
    }
    for (const step of p.steps) {
      this.#check(
        sym.dnnl_primitive_execute(step.prim, this.#stream, step.nargs, step.args),
        "primitive_execute",
      );
    }
    this.#check(sym.dnnl_stream_wait(this.#stream), "stream_wait");
    return true;
  }

  /** Scratch slot `i` (one per convolution argument) of at least `bytes`, 64-byte aligned. */
  #scratch(i: number, bytes: number): Uint8Array<ArrayBuffer> {
    const have = this.#scratchViews[i];
    if (have && have.length >= bytes) return have;
    const raw = new Uint8Array(bytes + 64);
    const addr = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(raw)));
    const skip = Number((64n - (addr % 64n)) % 64n);
    const view = raw.subarray(skip, skip + bytes);
    this.#scratchViews[i] = view;
    return view;
  }

  /**
   * Runs one training-mode batch-norm pass over `x` of `m` positions × `c` channels
   * (channels last; `spatial` = [n, h, w] with n·h·w = m keeps a 4-D tensor's shape for
   * oneDNN, else [m, 1, 1]). Arrays by pass: stats {x, mean, variance} (the statistics are
   * written; a normalised copy goes to scratch), apply {x, mean, variance, gamma, beta, y},
   * train {x, gamma, beta, y, mean, variance} (statistics and output together),
   * backward {dy, x, mean, variance, gamma, dx, dgamma, dbeta}. Returns false when oneDNN
   * has no implementation; throws when a size is wrong.
   *
   * Runs on {@link threads} threads. (An earlier version ran it on one: at 2 threads on a
   * loaded 2-core machine every call paid ~8 ms waiting for a descheduled peer. With idle
   * OpenMP threads sleeping at once and on a quiet machine, 2 threads made the whole
   * ResNet-18 step 6–8% faster at ×1/8 and ×1/4, b128, in 3 of 3 alternated runs; a sweep's
   * cells run one thread each, so the loaded case does not arise there.)
   */
  batchNorm(pass: BnPass, spatial: readonly number[], c: number, eps: number, arrays: BnArrays): boolean {
    if (spatial.length !== 3 || !spatial.every(isPositiveInt) || !isPositiveInt(c)) {
      throw new Error(`batchNorm: sizes must be integers ≥ 1, got [${spatial}] × ${c}`);
    }
    if (!(eps >= 0) || !Number.isFinite(eps)) throw new Error(`batchNorm: eps must be ≥ 0, got ${eps}`);
    const m = spatial[0] * spatial[1] * spatial[2];
    const names = BN_ARGS[pass];
    for (const name of names) {
      const arr = arrays[name];
      const len = name === "x" || name === "y" || name === "dy" || name === "dx" ? m * c : c;
      if (!(arr instanceof Float32Array)) throw new Error(`batchNorm: ${name} must be a Float32Array`);
      if (arr.length !== len) throw new Error(`batchNorm: ${name} has ${arr.length} floats, needs ${len}`);
    }
    return this.#runBn(pass, spatial, c, eps, arrays, m);
  }

  #runBn(
    pass: BnPass,
    spatial: readonly number[],
    c: number,
    eps: number,
    arrays: BnArrays,
    m: number,
  ): boolean {
    const key = `${pass}|${spatial.join(",")}|${c}|${eps}|${this.#threads}`;
    let p = this.#bns.get(key);
    if (p === undefined) {
      p = this.#createBn(pass, spatial, c, eps);
      this.#bns.set(key, p);
    }
    if (!p) return false;
    const sym = this.#lib.symbols;
    p.names.forEach((name, i) => {
      const buf = name === "scratch"
        ? this.#scratch(0, 4 * m * c)
        : name === "zeros"
        ? this.#zeros(c)
        : arrays[name];
      this.#check(sym.dnnl_memory_set_data_handle(p.mems[i], buf), "memory_set_data_handle");
    });
    this.#check(
      sym.dnnl_primitive_execute(p.step.prim, this.#stream, p.step.nargs, p.step.args),
      "primitive_execute",
    );
    this.#check(sym.dnnl_stream_wait(this.#stream), "stream_wait");
    return true;
  }

  /** At least c zero floats (the unread shift of the batch-norm backward). */
  #zeros(c: number): Float32Array {
    if (this.#zeroFloats.length < c) this.#zeroFloats = new Float32Array(c);
    return this.#zeroFloats;
  }

  #createBn(pass: BnPass, spatial: readonly number[], c: number, eps: number): BnPrimitive | null {
    const sym = this.#lib.symbols;
    const data = this.#md([spatial[0], c, spatial[1], spatial[2]], A.tag_nhwc);
    const chan = this.#md([c], A.tag_x);
    const affine = A.use_scale | A.use_shift;
    const fwdDesc = (prop: number, flags: number) => {
      const d = new Uint8Array(A.sizeof_batch_normalization_desc);
      const s = sym.dnnl_batch_normalization_forward_desc_init(d, prop, data, eps, flags);
      return s === A.status_success ? d : null;
    };
    let pd: Deno.PointerValue | null = null, hint: Deno.PointerValue | null = null;
    let args: Array<[string, number]>;
    try {
      if (pass === "stats") {
        const d = fwdDesc(A.forward_training, 0);
        pd = d && this.#pd(d, null);
        args = [["x", A.arg_src], ["scratch", A.arg_dst], ["mean", A.arg_mean], ["variance", A.arg_variance]];
      } else if (pass === "train") {
        const d = fwdDesc(A.forward_training, affine);
        pd = d && this.#pd(d, null);
        args = [
          ["x", A.arg_src],
          ["gamma", A.arg_scale],
          ["beta", A.arg_shift],
          ["y", A.arg_dst],
          ["mean", A.arg_mean],
          ["variance", A.arg_variance],
        ];
      } else if (pass === "apply") {
        const d = fwdDesc(A.forward_inference, A.use_global_stats | affine);
        pd = d && this.#pd(d, null);
        args = [
          ["x", A.arg_src],
          ["mean", A.arg_mean],
          ["variance", A.arg_variance],
          ["gamma", A.arg_scale],
          ["beta", A.arg_shift],
          ["y", A.arg_dst],
        ];
      } else {
        const f = fwdDesc(A.forward_training, affine);
        hint = f && this.#pd(f, null);
        if (!hint) return null;
        const d = new Uint8Array(A.sizeof_batch_normalization_desc);
        const s = sym.dnnl_batch_normalization_backward_desc_init(d, A.backward, data, data, eps, affine);
        pd = s === A.status_success ? this.#pd(d, hint) : null;
        args = [
          ["dy", A.arg_diff_dst],
          ["x", A.arg_src],
          ["mean", A.arg_mean],
          ["variance", A.arg_variance],
          ["gamma", A.arg_scale],
          // Counted as an input of the backward pass with use_shift (its values are not read).
          ["zeros", A.arg_shift],
          ["dx", A.arg_diff_src],
          ["dgamma", A.arg_diff_scale],
          ["dbeta", A.arg_diff_shift],
        ];
      }
      if (!pd) return null;
      // The primitive must keep the plain layouts: nothing here reorders its arguments.
      const src = this.#queryMd(pd, pass === "backward" ? A.query_diff_src_md : A.query_src_md);
      if (!sym.dnnl_memory_desc_equal(src, data)) return null;
      const primOut = outPointer();
      this.#check(sym.dnnl_primitive_create(primOut, pd), "primitive_create");
      const mems = args.map(([name]) =>
        this.#memory(
          name === "x" || name === "y" || name === "dy" || name === "dx" || name === "scratch" ? data : chan,
        )
      );
      const step = this.#step(pointerAt(primOut), args.map(([, id], i) => [id, mems[i]]));
      return { step, mems, names: args.map(([name]) => name) };
    } finally {
      if (pd) sym.dnnl_primitive_desc_destroy(pd);
      if (hint) sym.dnnl_primitive_desc_destroy(hint);
    }
  }

  /**
   * out = op(a, b) element by element on row-major arrays of `shape` (rank 1–6), `b` of
   * `bShape` (same rank, each axis 1 or equal: broadcast along the 1s; null for `relu`), run
   * on {@link threads} threads. Returns false when oneDNN has no implementation; throws when a
   * shape or an array size is wrong.
   */
  elementwise(
    op: EltOp,
    shape: readonly number[],
    a: Float32Array,
    bShape: readonly number[] | null,
    b: Float32Array | null,
    out: Float32Array,
  ): boolean {
    if (shape.length < 1 || shape.length > ELT_MAX_RANK || !shape.every(isPositiveInt)) {
      throw new Error(`elementwise: shape must be 1–${ELT_MAX_RANK} integers ≥ 1, got [${shape}]`);
    }
    const size = shape.reduce((p, d) => p * d, 1);
    const check = (name: string, arr: unknown, len: number) => {
      if (!(arr instanceof Float32Array)) {
        throw new Error(
          `elementwise: ${name} must be a Float32Array, got ${(arr as object)?.constructor?.name}`,
        );
      }
      if (arr.length !== len) throw new Error(`elementwise: ${name} has ${arr.length} floats, needs ${len}`);
    };
    check("a", a, size);
    check("out", out, size);
    const binary = !UNARY_ELT.has(op);
    if (binary) {
      if (
        !bShape || bShape.length !== shape.length ||
        !bShape.every((d, i) => isPositiveInt(d) && (d === 1 || d === shape[i]))
      ) {
        throw new Error(`elementwise: b's shape [${bShape}] does not broadcast to [${shape}]`);
      }
      check("b", b, bShape.reduce((p, d) => p * d, 1));
    }
    const team = size < ELT_PARALLEL_MIN ? 1 : this.#threads;
    const key = `${op}|${shape}|${binary ? bShape : ""}|${team}`;
    const sym = this.#lib.symbols;
    const arrays = binary ? [a, b!, out] : [a, out];
    return this.#onThreads(team, () => {
      let p = this.#elts.get(key);
      if (p === undefined) {
        p = this.#createElt(op, shape, binary ? bShape! : null);
        this.#elts.set(key, p);
      }
      if (!p) return false;
      p.mems.forEach((m, i) =>
        this.#check(sym.dnnl_memory_set_data_handle(m, arrays[i]), "memory_set_data_handle")
      );
      this.#check(
        sym.dnnl_primitive_execute(p.step.prim, this.#stream, p.step.nargs, p.step.args),
        "primitive_execute",
      );
      this.#check(sym.dnnl_stream_wait(this.#stream), "stream_wait");
      return true;
    });
  }

  /**
   * Runs `f` with oneDNN on `n` threads (OpenMP's team size for this thread), then restores
   * {@link threads}. A primitive is created and run at one team size (keys include it).
   */
  #onThreads<T>(n: number, f: () => T): T {
    if (n === this.#threads || !this.#omp) return f();
    this.#omp.symbols.omp_set_num_threads(n);
    try {
      return f();
    } finally {
      this.#omp.symbols.omp_set_num_threads(this.#threads);
    }
  }

  #createElt(op: EltOp, shape: readonly number[], bShape: readonly number[] | null): EltPrimitive | null {
    const sym = this.#lib.symbols;
    const tag = [A.tag_a, A.tag_ab, A.tag_abc, A.tag_abcd, A.tag_abcde, A.tag_abcdef][shape.length - 1];
    const data = this.#md([...shape], tag);
    let desc: Uint8Array<ArrayBuffer>, status: number;
    let args: Array<[number, Uint8Array<ArrayBuffer>]>;
    let hint: Deno.PointerValue | null = null;
    if (UNARY_ELT.has(op)) {
      const alg =
        { relu: A.eltwise_relu, exp: A.eltwise_exp, log: A.eltwise_log, logistic: A.eltwise_logistic }[
          op as "relu" | "exp" | "log" | "logistic"
        ];
      desc = new Uint8Array(A.sizeof_eltwise_desc);
      status = sym.dnnl_eltwise_forward_desc_init(desc, A.forward_inference, alg, data, 0, 0);
      args = [[A.arg_src, data], [A.arg_dst, data]];
    } else if (op === "relu_bwd") {
      // diff_src = src > 0 ? diff_dst : diff_dst·0, with its forward as the hint.
      const fwd = new Uint8Array(A.sizeof_eltwise_desc);
      if (
        sym.dnnl_eltwise_forward_desc_init(fwd, A.forward_training, A.eltwise_relu, data, 0, 0) !==
          A.status_success
      ) return null;
      hint = this.#pd(fwd, null);
      if (!hint) return null;
      desc = new Uint8Array(A.sizeof_eltwise_desc);
      status = sym.dnnl_eltwise_backward_desc_init(desc, A.eltwise_relu, data, data, 0, 0);
      args = [[A.arg_src, data], [A.arg_diff_dst, data], [A.arg_diff_src, data]];
    } else {
      const other = this.#md([...bShape!], tag);
      const alg =
        { add: A.binary_add, sub: A.binary_sub, mul: A.binary_mul, div: A.binary_div, gt: A.binary_gt }[
          op as "add" | "sub" | "mul" | "div" | "gt"
        ];
      desc = new Uint8Array(A.sizeof_binary_desc);
      status = sym.dnnl_binary_desc_init(desc, alg, data, other, data);
      args = [[A.arg_src, data], [A.arg_src_1, other], [A.arg_dst, data]];
    }
    const pd = status === A.status_success ? this.#pd(desc, hint) : null;
    if (hint) sym.dnnl_primitive_desc_destroy(hint);
    if (!pd) return null;
    try {
      const primOut = outPointer();
      this.#check(sym.dnnl_primitive_create(primOut, pd), "primitive_create");
      const mems = args.map(([, md]) => this.#memory(md));
      return { step: this.#step(pointerAt(primOut), args.map(([id], i) => [id, mems[i]])), mems };
    } finally {
      sym.dnnl_primitive_desc_destroy(pd);
    }
  }

  /** The implementation oneDNN chose for each convolution primitive made so far (e.g. "jit:avx512_common"). */
  convImplementations(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, p] of this.#convs) out[k] = p ? p.impl : "(refused)";
    return out;
  }

  #md(dimsList: number[], tag: number): Uint8Array<ArrayBuffer> {
    const md = new Uint8Array(A.sizeof_memory_desc);
    this.#check(
      this.#lib.symbols.dnnl_memory_desc_init_by_tag(md, dimsList.length, dims(...dimsList), A.f32, tag),
      "memory_desc_init_by_tag",
    );
    return md;
  }

  #pd(opDesc: Uint8Array<ArrayBuffer>, hint: Deno.PointerValue): Deno.PointerValue | null {
    const out = outPointer();
    const s = this.#lib.symbols.dnnl_primitive_desc_create(out, opDesc, null, this.#engine, hint);
    if (s === A.status_unimplemented) return null;
    this.#check(s, "primitive_desc_create");
    return pointerAt(out);
  }

  #memory(md: Uint8Array<ArrayBuffer>): Deno.PointerValue {
    const m = outPointer();
    this.#check(this.#lib.symbols.dnnl_memory_create(m, md, this.#engine, null), "memory_create");
    return pointerAt(m);
  }

  #step(prim: Deno.PointerValue, args: Array<[number, Deno.PointerValue]>): Step {
    const buf = new Uint8Array(A.sizeof_exec_arg * args.length);
    const view = new DataView(buf.buffer);
    args.forEach(([id, mem], i) => {
      view.setInt32(i * A.sizeof_exec_arg, id, true);
      view.setBigUint64(
        i * A.sizeof_exec_arg + A.offsetof_exec_arg_memory,
        BigInt(Deno.UnsafePointer.value(mem)),
        true,
      );
    });
    return { prim, args: buf, nargs: args.length };
  }

  /** A reorder primitive from layout `from` to `to`. */
  #reorder(from: Uint8Array<ArrayBuffer>, to: Uint8Array<ArrayBuffer>): Deno.PointerValue {
    const sym = this.#lib.symbols;
    const pdOut = outPointer();
    this.#check(
      sym.dnnl_reorder_primitive_desc_create(pdOut, from, this.#engine, to, this.#engine, null),
      "reorder_primitive_desc_create",
    );
    const pd = pointerAt(pdOut);
    try {
      const primOut = outPointer();
      this.#check(sym.dnnl_primitive_create(primOut, pd), "primitive_create");
      return pointerAt(primOut);
    } finally {
      sym.dnnl_primitive_desc_destroy(pd);
    }
  }

  /** A copy of the memory descriptor `pd` chose for `what` (the pointer dies with pd). */
  #queryMd(pd: Deno.PointerValue, what: number): Uint8Array<ArrayBuffer> {
    const ptr = this.#lib.symbols.dnnl_primitive_desc_query_md(pd, what, 0);
    if (!ptr) throw new Error(`oneDNN primitive_desc_query_md(${what}) returned NULL`);
    const md = new Uint8Array(A.sizeof_memory_desc);
    new Deno.UnsafePointerView(ptr).copyInto(md);
    return md;
  }

  /**
   * The convolution on nhwc activations with weights in the layout oneDNN picks (only the
   * small weight tensor is reordered: brgconv/jit kernels, as PyTorch's channels-last runs);
   * where oneDNN has only a reference or gemm kernel for nhwc, blocked activations too.
   * Measured at ResNet-18 ×1/8 and ×1/4, b128: nhwc activations 12–22% faster per step than
   * blocked ones with their reorders in and out of every convolution.
   */
  #createConvBest(pass: ConvPass, g: ConvGeometry, pb: number, pr: number): ConvPrimitive | null {
    const p = this.#createConv(pass, g, pb, pr, "nhwc");
    if (p && !/^(ref|gemm)/.test(p.impl)) return p;
    return this.#createConv(pass, g, pb, pr, "any") ?? p;
  }

  #createConv(
    pass: ConvPass,
    g: ConvGeometry,
    pb: number,
    pr: number,
    activations: "nhwc" | "any",
  ): ConvPrimitive | null {
    const sym = this.#lib.symbols;
    // oneDNN's logical dims are N, C, H, W (activations) and O, I, H, W (weights). The tensors
    // are in tfjs's layouts (nhwc, hwio); the primitive picks its own where it may ("any")
    // and reorders are added where they differ.
    const xDims = [g.n, g.cin, g.h, g.w],
      wDims = [g.cout, g.cin, g.kh, g.kw],
      yDims = [g.n, g.cout, g.ho, g.wo];
    const plainX = this.#md(xDims, A.tag_nhwc), plainW = this.#md(wDims, A.tag_hwio);
    const plainY = this.#md(yDims, A.tag_nhwc);
    const nhwc = activations === "nhwc";
    const anyX = nhwc ? plainX : this.#md(xDims, A.tag_any),
      anyW = this.#md(wDims, A.tag_any),
      anyY = nhwc ? plainY : this.#md(yDims, A.tag_any);
    const strides = dims(g.sh, g.sw), dil = dims(g.dh - 1, g.dw - 1);
    const padL = dims(g.pt, g.pl), padR = dims(pb, pr);
    const alg = A.convolution_direct;
    const fwd = new Uint8Array(A.sizeof_convolution_desc);
    const fs = sym.dnnl_dilated_convolution_forward_desc_init(
      fwd,
      A.forward_training,
      alg,
      anyX,
      anyW,
      null,
      anyY,
      strides,
      dil,
      padL,
      padR,
    );
    if (fs !== A.status_success) return null;
    const fwdPd = this.#pd(fwd, null);
    if (!fwdPd) return null;
    let pd: Deno.PointerValue | null = fwdPd;
    // Per argument slot (a, b, out): its exec-arg id, plain layout and the query for the chosen one.
    let slots: Array<[number, Uint8Array<ArrayBuffer>, number]>;
    try {
      if (pass === "forward") {
        slots = [
          [A.arg_src, plainX, A.query_src_md],
          [A.arg_weights, plainW, A.query_weights_md],
          [A.arg_dst, plainY, A.query_dst_md],
        ];
      } else if (pass === "backward_data") {
        const bd = new Uint8Array(A.sizeof_convolution_desc);
        const s = sym.dnnl_dilated_convolution_backward_data_desc_init(
          bd,
          alg,
          anyX,
          anyW,
          anyY,
          strides,
          dil,
          padL,
          padR,
        );
        if (s !== A.status_success) return null;
        pd = this.#pd(bd, fwdPd);
        slots = [
          [A.arg_diff_dst, plainY, A.query_diff_dst_md],
          [A.arg_weights, plainW, A.query_weights_md],
          [A.arg_diff_src, plainX, A.query_diff_src_md],
        ];
      } else {
        const bw = new Uint8Array(A.sizeof_convolution_desc);
        const s = sym.dnnl_dilated_convolution_backward_weights_desc_init(
          bw,
          alg,
          anyX,
          anyW,
          null,
          anyY,
          strides,
          dil,
          padL,
          padR,
        );
        if (s !== A.status_success) return null;
        pd = this.#pd(bw, fwdPd);
        slots = [
          [A.arg_src, plainX, A.query_src_md],
          [A.arg_diff_dst, plainY, A.query_diff_dst_md],
          [A.arg_diff_weights, plainW, A.query_diff_weights_md],
        ];
      }
      if (!pd) return null;
      const implOut = outPointer();
      let impl = "?";
      if (sym.dnnl_primitive_desc_query(pd, A.query_impl_info_str, 0, implOut) === A.status_success) {
        const ptr = pointerAt(implOut);
        if (ptr) impl = Deno.UnsafePointerView.getCString(ptr);
      }
      const chosen = slots.map(([, , q]) => this.#queryMd(pd!, q));
      const primOut = outPointer();
      this.#check(sym.dnnl_primitive_create(primOut, pd), "primitive_create");
      const plain = slots.map(([, md]) => this.#memory(md));
      const blocked = slots.map(([, md], i) =>
        sym.dnnl_memory_desc_equal(md, chosen[i]) ? null : this.#memory(chosen[i])
      );
      const bytes = chosen.map((md) => Number(sym.dnnl_memory_desc_get_size(md)));
      const steps: Step[] = [];
      for (let i = 0; i < 2; i++) {
        const b = blocked[i];
        if (b) {
          steps.push(
            this.#step(this.#reorder(slots[i][1], chosen[i]), [[A.arg_src, plain[i]], [A.arg_dst, b]]),
          );
        }
      }
      steps.push(this.#step(pointerAt(primOut), slots.map(([id], i) => [id, blocked[i] ?? plain[i]])));
      if (blocked[2]) {
        steps.push(
          this.#step(this.#reorder(chosen[2], slots[2][1]), [[A.arg_src, blocked[2]], [A.arg_dst, plain[2]]]),
        );
      }
      const reorders = blocked.filter((b) => b).length;
      return { plain, blocked, bytes, steps, impl: reorders ? `${impl} (+${reorders} reorders)` : impl };
    } finally {
      if (pd && pd !== fwdPd) sym.dnnl_primitive_desc_destroy(pd);
      sym.dnnl_primitive_desc_destroy(fwdPd);
    }
  }
}

/** The array names each batch-norm pass takes (see {@link Dnnl.batchNorm}). */
const BN_ARGS: Record<BnPass, readonly string[]> = {
  stats: ["x", "mean", "variance"],
  apply: ["x", "mean", "variance", "gamma", "beta", "y"],
  train: ["x", "gamma", "beta", "y", "mean", "variance"],
  backward: ["dy", "x", "mean", "variance", "gamma", "dx", "dgamma", "dbeta"],
};

let loaded: Dnnl | DnnlAbsent | null = null;

/**
 * Opens oneDNN 2.x once per thread (`AMCL_DNNL_LIB` = a file path overrides the search),
 * checks its version, and creates a CPU engine. Returns why not, with the package to install,
 * when it cannot.
 */
export function loadDnnl(): Dnnl | DnnlAbsent {
  if (loaded) return loaded;
  loaded = open();
  return loaded;
}

function envPath(): string | undefined {
  try {
    return Deno.env.get("AMCL_DNNL_LIB") || undefined;
  } catch {
    return undefined;
  }
}

/** The OpenMP wait variables a user may set; any one of them set keeps the suite's default off. */
const OMP_WAIT_VARS = ["OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME"];

/**
 * The suite's OpenMP wait default, put in the environment before the library (and with it
 * the OpenMP runtime, which reads it once at load) is opened: `OMP_WAIT_POLICY=passive`,
 * idle workers sleep at once. libgomp's own default spins ~3·10⁵ iterations after every
 * parallel region; on a loaded machine a spinning worker burns the slice its descheduled
 * peer needs (2-thread native step 190–230 ms against 45–60 ms passive, here at load 5 on
 * 2 cores), and between native calls it takes the core the wasm kernels run on (wasm after
 * native 2.4× slower; passive: unchanged). Returns what governs the wait: the user's
 * variables, or the default set here.
 */
function applyOmpWaitPolicy(): string {
  try {
    const own = OMP_WAIT_VARS.filter((k) => Deno.env.get(k) !== undefined);
    if (own.length) return own.map((k) => `${k}=${Deno.env.get(k)}`).join(" ") + " (from the environment)";
    Deno.env.set("OMP_WAIT_POLICY", "passive");
    return "OMP_WAIT_POLICY=passive (suite default)";
  } catch {
    return "the runtime's default (no --allow-env)";
  }
}

/** What governs OpenMP's idle waiting, as set when the library was opened (null before). */
let ompWait: string | null = null;

/** How OpenMP workers wait when idle (the user's OMP_* / GOMP_* variables or the suite's default), or null before the library was opened. */
export function ompWaitPolicy(): string | null {
  return ompWait;
}

function open(): Dnnl | DnnlAbsent {
  const os = Deno.build.os;
  ompWait = applyOmpWaitPolicy();
  const custom = envPath();
  const opened = openFirst(custom ? [custom] : LIB_NAMES[os] ?? LIB_NAMES.linux, SYMBOLS);
  if ("error" in opened) {
    if (opened.error.includes("--allow-ffi")) return { available: false, reason: opened.error };
    for (const name of LIB3_NAMES[os] ?? []) {
      try {
        Deno.dlopen(name, { dnnl_version: SYMBOLS.dnnl_version }).close();
        return {
          available: false,
          reason: `found ${name} (oneDNN 3.x), but only oneDNN 2.x is supported; ${DNNL_INSTALL_HINT}`,
        };
      } catch { /* not there either */ }
    }
    const what = custom
      ? `AMCL_DNNL_LIB=${custom} did not load (${opened.error})`
      : "oneDNN (libdnnl) not found";
    return { available: false, reason: `${what}; ${DNNL_INSTALL_HINT}` };
  }
  const { lib, path } = opened;
  try {
    const vp = lib.symbols.dnnl_version();
    if (!vp) throw new Error("dnnl_version returned NULL");
    const v = new Deno.UnsafePointerView(vp);
    const hashPtr = v.getPointer(A.offsetof_version_hash);
    const rt = v.getUint32(A.offsetof_version_cpu_runtime);
    const version: DnnlVersion = {
      major: v.getInt32(0),
      minor: v.getInt32(4),
      patch: v.getInt32(8),
      hash: hashPtr ? Deno.UnsafePointerView.getCString(hashPtr) : "",
      runtime: rt === A.cpu_runtime_omp
        ? "omp"
        : rt === A.cpu_runtime_tbb
        ? "tbb"
        : rt === A.cpu_runtime_seq
        ? "seq"
        : rt === A.cpu_runtime_threadpool
        ? "threadpool"
        : `runtime ${rt}`,
    };
    if (version.major !== 2) {
      lib.close();
      return {
        available: false,
        reason:
          `${path} is oneDNN ${version.major}.${version.minor}.${version.patch}; only 2.x is supported; ` +
          DNNL_INSTALL_HINT,
      };
    }
    let omp: OmpLib | null = null;
    if (version.runtime === "omp") {
      const o = openFirst(OMP_NAMES, OMP_SYMBOLS);
      if ("lib" in o) omp = o.lib;
    }
    return new Dnnl(lib, path, version, omp);
  } catch (e) {
    lib.close();
    return {
      available: false,
      reason: `${path} loaded but could not start (${errText(e)}); ${DNNL_INSTALL_HINT}`,
    };
  }
}
