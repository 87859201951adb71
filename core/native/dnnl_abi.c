/*
 * Prints the oneDNN 2.x ABI facts that core/native/dnnl_abi.ts hard-codes (struct sizes,
 * enum values, argument ids), one "name value" per line. tests/core/native_abi_test.ts
 * compiles it against the installed headers (Debian libdnnl-dev) and compares.
 *   cc core/native/dnnl_abi.c -o /tmp/dnnl_abi && /tmp/dnnl_abi
 */
#include <stddef.h>
#include <stdio.h>
#include <oneapi/dnnl/dnnl.h>

#define P(name, value) printf("%s %ld\n", name, (long)(value))

int main(void) {
    P("sizeof_memory_desc", sizeof(dnnl_memory_desc_t));
    P("sizeof_convolution_desc", sizeof(dnnl_convolution_desc_t));
    P("sizeof_batch_normalization_desc", sizeof(dnnl_batch_normalization_desc_t));
    P("sizeof_eltwise_desc", sizeof(dnnl_eltwise_desc_t));
    P("sizeof_binary_desc", sizeof(dnnl_binary_desc_t));
    P("sizeof_exec_arg", sizeof(dnnl_exec_arg_t));
    P("offsetof_exec_arg_memory", offsetof(dnnl_exec_arg_t, memory));
    P("sizeof_version", sizeof(dnnl_version_t));
    P("offsetof_version_hash", offsetof(dnnl_version_t, hash));
    P("offsetof_version_cpu_runtime", offsetof(dnnl_version_t, cpu_runtime));
    P("max_ndims", DNNL_MAX_NDIMS);
    P("status_success", dnnl_success);
    P("status_unimplemented", dnnl_unimplemented);
    P("engine_cpu", dnnl_cpu);
    P("stream_default_flags", dnnl_stream_default_flags);
    P("f32", dnnl_f32);
    P("tag_any", dnnl_format_tag_any);
    P("tag_nc", dnnl_nc);
    P("tag_nhwc", dnnl_nhwc);
    P("tag_hwio", dnnl_hwio);
    P("tag_x", dnnl_x);
    P("tag_a", dnnl_a);
    P("tag_ab", dnnl_ab);
    P("tag_abc", dnnl_abc);
    P("tag_abcd", dnnl_abcd);
    P("tag_abcde", dnnl_abcde);
    P("tag_abcdef", dnnl_abcdef);
    P("eltwise_relu", dnnl_eltwise_relu);
    P("eltwise_exp", dnnl_eltwise_exp);
    P("eltwise_log", dnnl_eltwise_log);
    P("eltwise_logistic", dnnl_eltwise_logistic);
    P("binary_add", dnnl_binary_add);
    P("binary_mul", dnnl_binary_mul);
    P("binary_sub", dnnl_binary_sub);
    P("binary_gt", dnnl_binary_gt);
    P("binary_div", dnnl_binary_div);
    P("forward_training", dnnl_forward_training);
    P("forward_inference", dnnl_forward_inference);
    P("backward", dnnl_backward);
    P("backward_data", dnnl_backward_data);
    P("backward_weights", dnnl_backward_weights);
    P("convolution_direct", dnnl_convolution_direct);
    P("convolution_auto", dnnl_convolution_auto);
    P("use_global_stats", dnnl_use_global_stats);
    P("use_scaleshift", dnnl_use_scaleshift);
    P("use_scale", dnnl_use_scale);
    P("use_shift", dnnl_use_shift);
    P("arg_src", DNNL_ARG_SRC);
    P("arg_dst", DNNL_ARG_DST);
    P("arg_src_1", DNNL_ARG_SRC_1);
    P("arg_weights", DNNL_ARG_WEIGHTS);
    P("arg_bias", DNNL_ARG_BIAS);
    P("arg_mean", DNNL_ARG_MEAN);
    P("arg_variance", DNNL_ARG_VARIANCE);
    P("arg_scale", DNNL_ARG_SCALE);
    P("arg_shift", DNNL_ARG_SHIFT);
    P("arg_workspace", DNNL_ARG_WORKSPACE);
    P("arg_diff_src", DNNL_ARG_DIFF_SRC);
    P("arg_diff_dst", DNNL_ARG_DIFF_DST);
    P("arg_diff_weights", DNNL_ARG_DIFF_WEIGHTS);
    P("arg_diff_bias", DNNL_ARG_DIFF_BIAS);
    P("arg_diff_scale", DNNL_ARG_DIFF_SCALE);
    P("arg_diff_shift", DNNL_ARG_DIFF_SHIFT);
    P("query_workspace_md", dnnl_query_workspace_md);
    P("query_scratchpad_md", dnnl_query_scratchpad_md);
    P("query_src_md", dnnl_query_src_md);
    P("query_diff_src_md", dnnl_query_diff_src_md);
    P("query_weights_md", dnnl_query_weights_md);
    P("query_diff_weights_md", dnnl_query_diff_weights_md);
    P("query_dst_md", dnnl_query_dst_md);
    P("query_diff_dst_md", dnnl_query_diff_dst_md);
    P("query_impl_info_str", dnnl_query_impl_info_str);
    P("cpu_runtime_omp", DNNL_RUNTIME_OMP);
    P("cpu_runtime_tbb", DNNL_RUNTIME_TBB);
    P("cpu_runtime_seq", DNNL_RUNTIME_SEQ);
    P("cpu_runtime_threadpool", DNNL_RUNTIME_THREADPOOL);
    return 0;
}
