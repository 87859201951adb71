;; Matrix product against a packed right-hand side, 128-bit SIMD with fused multiply-add
;; (relaxed SIMD), on tfjs-wasm's memory (imported):
;;
;;   c[i, 8p + j] = sum over k of a[i, k] * bp[p, k, j]     (i < M, p < P, j < 8)
;;
;; a is row-major [M, K]; bp holds P panels of 8 columns, each [K, 8] contiguous (the packed
;; form of a [K, 8P] matrix); c rows are ldc floats apart. Register block: 4 rows x 8 columns
;; = 8 f32x4 accumulators; each sum runs over k in order 0..K-1 (the same order and rounding
;; as conv_forward.wat). Panels are the outer loop, so one panel stays in L1 while all M rows
;; pass over it. The last block of rows re-reads row M-1 where rows run out and stores only
;; the rows that exist.
;;
;; Source of core/kernels/gemm_wasm.ts; rebuild with
;;   deno run -A core/kernels/build_wasm.ts
(module
  (import "env" "memory" (memory 1))
  (func (export "gemm")
    (param $a i32) (param $bp i32) (param $c i32)
    (param $M i32) (param $K i32) (param $P i32) (param $ldc i32)
    (local $p i32) (local $i i32) (local $k i32) (local $rs i32) (local $last i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $wp i32) (local $panel i32) (local $cp i32) (local $cs i32) (local $left i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $d0 v128) (local $d1 v128) (local $s v128)
    (if (i32.or (i32.le_s (local.get $M) (i32.const 0)) (i32.le_s (local.get $P) (i32.const 0)))
      (then (return)))
    (local.set $rs (i32.shl (local.get $K) (i32.const 2)))
    (local.set $cs (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $last (i32.add (local.get $a) (i32.mul (i32.sub (local.get $M) (i32.const 1)) (local.get $rs))))
    (local.set $p (i32.const 0))
    (loop $ps
      (local.set $panel (i32.add (local.get $bp) (i32.shl (i32.mul (local.get $p) (local.get $K)) (i32.const 5))))
      (local.set $i (i32.const 0))
      (loop $is
        (local.set $r0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $rs)))
        (if (i32.gt_u (local.get $r1) (local.get $last)) (then (local.set $r1 (local.get $last))))
        (local.set $r2 (i32.add (local.get $r1) (local.get $rs)))
        (if (i32.gt_u (local.get $r2) (local.get $last)) (then (local.set $r2 (local.get $last))))
        (local.set $r3 (i32.add (local.get $r2) (local.get $rs)))
        (if (i32.gt_u (local.get $r3) (local.get $last)) (then (local.set $r3 (local.get $last))))
        (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
        (local.set $a4 (v128.const i64x2 0 0)) (local.set $a5 (v128.const i64x2 0 0))
        (local.set $a6 (v128.const i64x2 0 0)) (local.set $a7 (v128.const i64x2 0 0))
        (local.set $wp (local.get $panel))
        (local.set $k (i32.const 0))
        (loop $ks
          (local.set $d0 (v128.load (local.get $wp)))
          (local.set $d1 (v128.load offset=16 (local.get $wp)))
          (local.set $s (v128.load32_splat (i32.add (local.get $r0) (local.get $k))))
          (local.set $a0 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a0)))
          (local.set $a1 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a1)))
          (local.set $s (v128.load32_splat (i32.add (local.get $r1) (local.get $k))))
          (local.set $a2 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a2)))
          (local.set $a3 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a3)))
          (local.set $s (v128.load32_splat (i32.add (local.get $r2) (local.get $k))))
          (local.set $a4 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a4)))
          (local.set $a5 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a5)))
          (local.set $s (v128.load32_splat (i32.add (local.get $r3) (local.get $k))))
          (local.set $a6 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a6)))
          (local.set $a7 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a7)))
          (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br_if $ks (i32.lt_u (local.get $k) (local.get $rs))))
        ;; cp = c + (i*ldc + 8p)*4; store the rows that exist
        (local.set $cp (i32.add (local.get $c) (i32.shl
          (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $p) (i32.const 3)))
          (i32.const 2))))
        (local.set $left (i32.sub (local.get $M) (local.get $i)))
        (v128.store (local.get $cp) (local.get $a0))
        (v128.store offset=16 (local.get $cp) (local.get $a1))
        (if (i32.gt_s (local.get $left) (i32.const 1))
          (then
            (local.set $cp (i32.add (local.get $cp) (local.get $cs)))
            (v128.store (local.get $cp) (local.get $a2))
            (v128.store offset=16 (local.get $cp) (local.get $a3))))
        (if (i32.gt_s (local.get $left) (i32.const 2))
          (then
            (local.set $cp (i32.add (local.get $cp) (local.get $cs)))
            (v128.store (local.get $cp) (local.get $a4))
            (v128.store offset=16 (local.get $cp) (local.get $a5))))
        (if (i32.gt_s (local.get $left) (i32.const 3))
          (then
            (local.set $cp (i32.add (local.get $cp) (local.get $cs)))
            (v128.store (local.get $cp) (local.get $a6))
            (v128.store offset=16 (local.get $cp) (local.get $a7))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br_if $is (i32.lt_s (local.get $i) (local.get $M))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $ps (i32.lt_s (local.get $p) (local.get $P))))))
