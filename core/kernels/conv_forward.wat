;; Direct NHWC convolution on tfjs-wasm's memory (imported), 128-bit SIMD with fused
;; multiply-add (relaxed SIMD):
;;
;;   y[n, oh, ow, co] = sum over kh, kw, ci of xp[n, oh*sh + kh, ow*sw + kw, ci] * w[kh, kw, ci, co]
;;
;; xp is the input already padded (zeros) to [N, Hp, Wp, Cin], with Wp wide enough that a
;; block of 4 output columns never reads past a row's end. Register block: 4 output columns
;; x 8 output channels = 8 f32x4 accumulators. Needs Cout % 8 == 0. For one kh, the (kw, ci)
;; products run over KW*Cin contiguous floats of xp and KW*Cin contiguous rows of w.
;;
;; Source of core/kernels/conv_forward_wasm.ts; rebuild with
;;   deno run -A core/kernels/build_wasm.ts
(module
  (import "env" "memory" (memory 1))
  (func (export "conv")
    (param $x i32) (param $w i32) (param $y i32)
    (param $N i32) (param $Hp i32) (param $Wp i32) (param $Cin i32)
    (param $Ho i32) (param $Wo i32) (param $Cout i32)
    (param $KH i32) (param $KW i32) (param $sh i32) (param $sw i32)
    (local $n i32) (local $oh i32) (local $ow0 i32) (local $co i32) (local $kh i32) (local $t i32)
    (local $T i32) (local $px i32) (local $xp i32) (local $wp i32) (local $wstep i32) (local $yp i32)
    (local $xrow i32) (local $j i32) (local $px2 i32) (local $px3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $d0 v128) (local $d1 v128) (local $s v128)
    (local.set $T (i32.mul (local.get $KW) (local.get $Cin)))
    (local.set $px (i32.shl (i32.mul (local.get $sw) (local.get $Cin)) (i32.const 2)))
    (local.set $wstep (i32.shl (local.get $Cout) (i32.const 2)))
    (local.set $px2 (i32.shl (local.get $px) (i32.const 1)))
    (local.set $px3 (i32.add (local.get $px2) (local.get $px)))
    (local.set $n (i32.const 0))
    (loop $ns
      (local.set $oh (i32.const 0))
      (loop $ohs
        (local.set $ow0 (i32.const 0))
        (loop $ows
          (local.set $co (i32.const 0))
          (loop $cos
            (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
            (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
            (local.set $a4 (v128.const i64x2 0 0)) (local.set $a5 (v128.const i64x2 0 0))
            (local.set $a6 (v128.const i64x2 0 0)) (local.set $a7 (v128.const i64x2 0 0))
            (local.set $kh (i32.const 0))
            (loop $khs
              ;; xp = x + (((n*Hp + oh*sh + kh)*Wp + ow0*sw)*Cin)*4
              (local.set $xp (i32.add (local.get $x) (i32.shl
                (i32.mul
                  (i32.add
                    (i32.mul
                      (i32.add (i32.add (i32.mul (local.get $n) (local.get $Hp)) (i32.mul (local.get $oh) (local.get $sh)))
                               (local.get $kh))
                      (local.get $Wp))
                    (i32.mul (local.get $ow0) (local.get $sw)))
                  (local.get $Cin))
                (i32.const 2))))
              ;; wp = w + ((kh*KW*Cin)*Cout + co)*4
              (local.set $wp (i32.add (local.get $w) (i32.shl
                (i32.add (i32.mul (i32.mul (local.get $kh) (local.get $T)) (local.get $Cout)) (local.get $co))
                (i32.const 2))))
              (local.set $t (local.get $T))
              (loop $ts
                (local.set $d0 (v128.load (local.get $wp)))
                (local.set $d1 (v128.load offset=16 (local.get $wp)))
                (local.set $s (v128.load32_splat (local.get $xp)))
                (local.set $a0 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a0)))
                (local.set $a1 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a1)))
                (local.set $s (v128.load32_splat (i32.add (local.get $xp) (local.get $px))))
                (local.set $a2 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a2)))
                (local.set $a3 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a3)))
                (local.set $s (v128.load32_splat (i32.add (local.get $xp) (local.get $px2))))
                (local.set $a4 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a4)))
                (local.set $a5 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a5)))
                (local.set $s (v128.load32_splat (i32.add (local.get $xp) (local.get $px3))))
                (local.set $a6 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a6)))
                (local.set $a7 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a7)))
                (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                (local.set $wp (i32.add (local.get $wp) (local.get $wstep)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br_if $ts (i32.gt_s (local.get $t) (i32.const 0))))
              (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
              (br_if $khs (i32.lt_s (local.get $kh) (local.get $KH))))
            ;; store the block's columns that exist: yp = y + (((n*Ho + oh)*Wo + ow0)*Cout + co)*4
            (local.set $yp (i32.add (local.get $y) (i32.shl
              (i32.add
                (i32.mul
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $Ho)) (local.get $oh)) (local.get $Wo))
                           (local.get $ow0))
                  (local.get $Cout))
                (local.get $co))
              (i32.const 2))))
            (local.set $j (i32.sub (local.get $Wo) (local.get $ow0)))
            (v128.store (local.get $yp) (local.get $a0))
            (v128.store offset=16 (local.get $yp) (local.get $a1))
            (if (i32.gt_s (local.get $j) (i32.const 1))
              (then
                (local.set $yp (i32.add (local.get $yp) (local.get $wstep)))
                (v128.store (local.get $yp) (local.get $a2))
                (v128.store offset=16 (local.get $yp) (local.get $a3))))
            (if (i32.gt_s (local.get $j) (i32.const 2))
              (then
                (local.set $yp (i32.add (local.get $yp) (local.get $wstep)))
                (v128.store (local.get $yp) (local.get $a4))
                (v128.store offset=16 (local.get $yp) (local.get $a5))))
            (if (i32.gt_s (local.get $j) (i32.const 3))
              (then
                (local.set $yp (i32.add (local.get $yp) (local.get $wstep)))
                (v128.store (local.get $yp) (local.get $a6))
                (v128.store offset=16 (local.get $yp) (local.get $a7))))
            (local.set $co (i32.add (local.get $co) (i32.const 8)))
            (br_if $cos (i32.lt_s (local.get $co) (local.get $Cout))))
          (local.set $ow0 (i32.add (local.get $ow0) (i32.const 4)))
          (br_if $ows (i32.lt_s (local.get $ow0) (local.get $Wo))))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br_if $ohs (i32.lt_s (local.get $oh) (local.get $Ho))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $ns (i32.lt_s (local.get $n) (local.get $N))))))
