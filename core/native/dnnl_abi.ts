/**
 * The oneDNN 2.x C ABI facts the FFI module needs: struct sizes, enum values and argument
 * ids, as printed by `core/native/dnnl_abi.c` compiled against Debian's libdnnl-dev 2.6.3
 * headers (x86-64 Linux). `tests/core/native_abi_test.ts` recompiles that program where a
 * C compiler and the headers exist and checks every value below against it. oneDNN 3.x
 * changed these structures (opaque memory descriptors, per-primitive `*_create`), so the
 * FFI module refuses any version but 2.x.
 *
 * @module
 */

/** Values from `dnnl_types.h` / `dnnl.h` of oneDNN 2.6.3 (see the module doc). */
export const DNNL_ABI = {
  sizeof_memory_desc: 696,
  sizeof_convolution_desc: 5976,
  sizeof_batch_normalization_desc: 3496,
  sizeof_exec_arg: 16,
  offsetof_exec_arg_memory: 8,
  sizeof_version: 32,
  offsetof_version_hash: 16,
  offsetof_version_cpu_runtime: 24,
  max_ndims: 12,
  status_success: 0,
  status_unimplemented: 3,
  engine_cpu: 1,
  stream_default_flags: 1,
  f32: 3,
  tag_any: 1,
  tag_nc: 3,
  tag_nhwc: 20,
  tag_hwio: 30,
  tag_x: 2,
  forward_training: 64,
  forward_inference: 96,
  backward: 128,
  backward_data: 160,
  backward_weights: 192,
  convolution_direct: 1,
  convolution_auto: 3,
  use_global_stats: 1,
  use_scaleshift: 2,
  use_scale: 8,
  use_shift: 16,
  arg_src: 1,
  arg_dst: 17,
  arg_weights: 33,
  arg_bias: 41,
  arg_mean: 49,
  arg_variance: 50,
  arg_scale: 51,
  arg_shift: 52,
  arg_workspace: 64,
  arg_diff_src: 129,
  arg_diff_dst: 145,
  arg_diff_weights: 161,
  arg_diff_bias: 169,
  arg_diff_scale: 255,
  arg_diff_shift: 256,
  query_workspace_md: 135,
  query_scratchpad_md: 136,
  query_src_md: 129,
  query_diff_src_md: 130,
  query_weights_md: 131,
  query_diff_weights_md: 132,
  query_dst_md: 133,
  query_diff_dst_md: 134,
  query_impl_info_str: 8,
  cpu_runtime_omp: 2,
  cpu_runtime_tbb: 4,
  cpu_runtime_seq: 1,
  cpu_runtime_threadpool: 8,
} as const;

/** Names of `dnnl_cpu_isa_t` values (`dnnl_get_effective_cpu_isa`). */
export const DNNL_ISA_NAMES: Readonly<Record<number, string>> = {
  0x0: "all",
  0x1: "sse41",
  0x3: "avx",
  0x7: "avx2",
  0xf: "avx512_mic",
  0x1f: "avx512_mic_4ops",
  0x27: "avx512_core",
  0x67: "avx512_core_vnni",
  0xe7: "avx512_core_bf16",
  0x3e7: "avx512_core_amx",
  0x407: "avx2_vnni",
};
