;; Conv2D filter gradient for NHWC tensors, on tfjs-wasm's own memory (imported), with
;; 128-bit SIMD and fused multiply-add (relaxed SIMD).
;;
;;   dW[kh, kw, ci, co] += sum over n, oh, ow of x[n, oh*sh + kh - pt, ow*sw + kw - pl, ci] * dy[n, oh, ow, co]
;;
;; Register block: 4 input channels x 8 output channels = 8 f32x4 accumulators, kept in
;; registers over a chunk of images (the caller picks the chunk so that the chunk's x and dy
;; stay in cache). Needs Cin % 4 == 0 and Cout % 8 == 0; dW must be zeroed by the caller.
;; All pointers are byte offsets into the memory.
;;
;; Source of core/kernels/conv_filter_grad_wasm.ts; rebuild with
;;   deno run -A core/kernels/build_wasm.ts
(module
  (import "env" "memory" (memory 1))
  (func (export "dw")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $N i32) (param $H i32) (param $W i32) (param $Cin i32)
    (param $Ho i32) (param $Wo i32) (param $Cout i32)
    (param $KH i32) (param $KW i32) (param $sh i32) (param $sw i32) (param $pt i32) (param $pl i32)
    (param $chunk i32)
    (local $n0 i32) (local $n1 i32) (local $n i32) (local $oh i32) (local $kh i32) (local $kw i32)
    (local $ih i32) (local $ow0 i32) (local $ow1 i32) (local $cnt i32) (local $k i32)
    (local $cib i32) (local $cob i32)
    (local $ap i32) (local $arow i32) (local $xp i32) (local $dp i32)
    (local $xstep i32) (local $dstep i32) (local $xbase i32) (local $dbase i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $d0 v128) (local $d1 v128) (local $s v128)
    ;; bytes per accumulator row (one input channel of dW) and per inner-loop step
    (local.set $arow (i32.shl (local.get $Cout) (i32.const 2)))
    (local.set $xstep (i32.shl (i32.mul (local.get $sw) (local.get $Cin)) (i32.const 2)))
    (local.set $dstep (i32.shl (local.get $Cout) (i32.const 2)))
    (local.set $n0 (i32.const 0))
    (block $done_chunks
      (loop $chunks
        (br_if $done_chunks (i32.ge_s (local.get $n0) (local.get $N)))
        (local.set $n1 (i32.add (local.get $n0) (local.get $chunk)))
        (if (i32.gt_s (local.get $n1) (local.get $N)) (then (local.set $n1 (local.get $N))))
        (local.set $kh (i32.const 0))
        (loop $khs
          (local.set $kw (i32.const 0))
          (loop $kws
            ;; valid ow: 0 <= ow*sw + kw - pl < W
            (local.set $k (i32.sub (local.get $pl) (local.get $kw)))
            (local.set $ow0 (i32.const 0))
            (if (i32.gt_s (local.get $k) (i32.const 0))
              (then (local.set $ow0
                (i32.div_s (i32.add (local.get $k) (i32.sub (local.get $sw) (i32.const 1))) (local.get $sw)))))
            (local.set $k (i32.add (i32.sub (local.get $W) (i32.const 1)) (i32.sub (local.get $pl) (local.get $kw))))
            (local.set $ow1 (i32.const 0))
            (if (i32.ge_s (local.get $k) (i32.const 0))
              (then (local.set $ow1 (i32.add (i32.div_s (local.get $k) (local.get $sw)) (i32.const 1)))))
            (if (i32.gt_s (local.get $ow1) (local.get $Wo)) (then (local.set $ow1 (local.get $Wo))))
            (local.set $cnt (i32.sub (local.get $ow1) (local.get $ow0)))
            (if (i32.gt_s (local.get $cnt) (i32.const 0))
              (then
                (local.set $cib (i32.const 0))
                (loop $cibs
                  (local.set $cob (i32.const 0))
                  (loop $cobs
                    ;; ap = out + (((kh*KW + kw)*Cin + cib)*Cout + cob)*4
                    (local.set $ap (i32.add (local.get $out) (i32.shl
                      (i32.add
                        (i32.mul
                          (i32.add (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $KW)) (local.get $kw))
                                            (local.get $Cin))
                                   (local.get $cib))
                          (local.get $Cout))
                        (local.get $cob))
                      (i32.const 2))))
                    (local.set $a0 (v128.load (local.get $ap)))
                    (local.set $a1 (v128.load offset=16 (local.get $ap)))
                    (local.set $a2 (v128.load (i32.add (local.get $ap) (local.get $arow))))
                    (local.set $a3 (v128.load offset=16 (i32.add (local.get $ap) (local.get $arow))))
                    (local.set $a4 (v128.load (i32.add (local.get $ap) (i32.shl (local.get $arow) (i32.const 1)))))
                    (local.set $a5 (v128.load offset=16 (i32.add (local.get $ap) (i32.shl (local.get $arow) (i32.const 1)))))
                    (local.set $a6 (v128.load (i32.add (local.get $ap) (i32.mul (local.get $arow) (i32.const 3)))))
                    (local.set $a7 (v128.load offset=16 (i32.add (local.get $ap) (i32.mul (local.get $arow) (i32.const 3)))))
                    (local.set $n (local.get $n0))
                    (loop $ns
                      (local.set $oh (i32.const 0))
                      (loop $ohs
                        (local.set $ih (i32.sub (i32.add (i32.mul (local.get $oh) (local.get $sh)) (local.get $kh))
                                                (local.get $pt)))
                        (if (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $H)))
                          (then
                            ;; xp = x + (((n*H + ih)*W + ow0*sw + kw - pl)*Cin + cib)*4
                            (local.set $xp (i32.add (local.get $x) (i32.shl
                              (i32.add
                                (i32.mul
                                  (i32.add
                                    (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $ih)) (local.get $W))
                                    (i32.sub (i32.add (i32.mul (local.get $ow0) (local.get $sw)) (local.get $kw)) (local.get $pl)))
                                  (local.get $Cin))
                                (local.get $cib))
                              (i32.const 2))))
                            ;; dp = dy + (((n*Ho + oh)*Wo + ow0)*Cout + cob)*4
                            (local.set $dp (i32.add (local.get $dy) (i32.shl
                              (i32.add
                                (i32.mul
                                  (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $Ho)) (local.get $oh)) (local.get $Wo))
                                           (local.get $ow0))
                                  (local.get $Cout))
                                (local.get $cob))
                              (i32.const 2))))
                            (local.set $k (local.get $cnt))
                            (loop $ows
                              (local.set $d0 (v128.load (local.get $dp)))
                              (local.set $d1 (v128.load offset=16 (local.get $dp)))
                              (local.set $s (v128.load32_splat (local.get $xp)))
                              (local.set $a0 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a0)))
                              (local.set $a1 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a1)))
                              (local.set $s (v128.load32_splat offset=4 (local.get $xp)))
                              (local.set $a2 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a2)))
                              (local.set $a3 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a3)))
                              (local.set $s (v128.load32_splat offset=8 (local.get $xp)))
                              (local.set $a4 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a4)))
                              (local.set $a5 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a5)))
                              (local.set $s (v128.load32_splat offset=12 (local.get $xp)))
                              (local.set $a6 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a6)))
                              (local.set $a7 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a7)))
                              (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                              (local.set $dp (i32.add (local.get $dp) (local.get $dstep)))
                              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                              (br_if $ows (i32.gt_s (local.get $k) (i32.const 0))))))
                        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
                        (br_if $ohs (i32.lt_s (local.get $oh) (local.get $Ho))))
                      (local.set $n (i32.add (local.get $n) (i32.const 1)))
                      (br_if $ns (i32.lt_s (local.get $n) (local.get $n1))))
                    (v128.store (local.get $ap) (local.get $a0))
                    (v128.store offset=16 (local.get $ap) (local.get $a1))
                    (v128.store (i32.add (local.get $ap) (local.get $arow)) (local.get $a2))
                    (v128.store offset=16 (i32.add (local.get $ap) (local.get $arow)) (local.get $a3))
                    (v128.store (i32.add (local.get $ap) (i32.shl (local.get $arow) (i32.const 1))) (local.get $a4))
                    (v128.store offset=16 (i32.add (local.get $ap) (i32.shl (local.get $arow) (i32.const 1))) (local.get $a5))
                    (v128.store (i32.add (local.get $ap) (i32.mul (local.get $arow) (i32.const 3))) (local.get $a6))
                    (v128.store offset=16 (i32.add (local.get $ap) (i32.mul (local.get $arow) (i32.const 3))) (local.get $a7))
                    (local.set $cob (i32.add (local.get $cob) (i32.const 8)))
                    (br_if $cobs (i32.lt_s (local.get $cob) (local.get $Cout))))
                  (local.set $cib (i32.add (local.get $cib) (i32.const 4)))
                  (br_if $cibs (i32.lt_s (local.get $cib) (local.get $Cin))))))
            (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
            (br_if $kws (i32.lt_s (local.get $kw) (local.get $KW))))
          (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
          (br_if $khs (i32.lt_s (local.get $kh) (local.get $KH))))
        (local.set $n0 (local.get $n1))
        (br $chunks)))))
