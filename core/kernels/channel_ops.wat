;; Per-channel reductions and affine maps over channels-last data [M, C] (C % 4 == 0), on
;; tfjs-wasm's own memory (imported), with 128-bit SIMD. The batch-norm kernels of
;; batch_norm.ts use them on wasm.
;;
;; Source of core/kernels/channel_ops_wasm.ts; rebuild with
;;   deno run -A core/kernels/build_wasm.ts
(module
  (import "env" "memory" (memory 1))

  ;; Column sums over the M rows, accumulated in f32 per chunk of 256 rows, then in f64:
  ;;   mode 0 (statistics):     u = a - shift;  s += u;  q += u*u
  ;;   mode 1 (gradient sums):  u = b - shift;  s += a;  q += a*u
  ;; tmp: f32 scratch [2C]; out: f64 [2C] = (s[0..C), q[0..C)), added to (zero it first).
  (func (export "colsums")
    (param $a i32) (param $b i32) (param $M i32) (param $C i32) (param $shift i32)
    (param $mode i32) (param $tmp i32) (param $out i32)
    (local $r0 i32) (local $r1 i32) (local $r i32) (local $c i32) (local $rowA i32) (local $rowB i32)
    (local $C4 i32) (local $u v128) (local $g v128) (local $sp i32) (local $qp i32) (local $op i32)
    (local.set $C4 (i32.shl (local.get $C) (i32.const 2)))
    (local.set $r0 (i32.const 0))
    (block $done
      (loop $chunks
        (br_if $done (i32.ge_s (local.get $r0) (local.get $M)))
        (local.set $r1 (i32.add (local.get $r0) (i32.const 256)))
        (if (i32.gt_s (local.get $r1) (local.get $M)) (then (local.set $r1 (local.get $M))))
        (memory.fill (local.get $tmp) (i32.const 0) (i32.shl (local.get $C4) (i32.const 1)))
        (local.set $r (local.get $r0))
        (loop $rows
          (local.set $rowA (i32.add (local.get $a) (i32.mul (local.get $r) (local.get $C4))))
          (local.set $rowB (i32.add (local.get $b) (i32.mul (local.get $r) (local.get $C4))))
          (local.set $c (i32.const 0))
          (loop $cols
            (local.set $sp (i32.add (local.get $tmp) (local.get $c)))
            (local.set $qp (i32.add (local.get $sp) (local.get $C4)))
            (if (i32.eqz (local.get $mode))
              (then
                (local.set $u (f32x4.sub (v128.load (i32.add (local.get $rowA) (local.get $c)))
                                         (v128.load (i32.add (local.get $shift) (local.get $c)))))
                (v128.store (local.get $sp) (f32x4.add (v128.load (local.get $sp)) (local.get $u)))
                (v128.store (local.get $qp)
                  (f32x4.add (v128.load (local.get $qp)) (f32x4.mul (local.get $u) (local.get $u)))))
              (else
                (local.set $u (f32x4.sub (v128.load (i32.add (local.get $rowB) (local.get $c)))
                                         (v128.load (i32.add (local.get $shift) (local.get $c)))))
                (local.set $g (v128.load (i32.add (local.get $rowA) (local.get $c))))
                (v128.store (local.get $sp) (f32x4.add (v128.load (local.get $sp)) (local.get $g)))
                (v128.store (local.get $qp)
                  (f32x4.add (v128.load (local.get $qp)) (f32x4.mul (local.get $g) (local.get $u))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br_if $cols (i32.lt_s (local.get $c) (local.get $C4))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $rows (i32.lt_s (local.get $r) (local.get $r1))))
        ;; out (f64) += tmp (f32), two lanes at a time
        (local.set $c (i32.const 0))
        (loop $flush
          (local.set $sp (i32.add (local.get $tmp) (i32.shl (local.get $c) (i32.const 2))))
          (local.set $op (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))))
          (v128.store (local.get $op)
            (f64x2.add (v128.load (local.get $op)) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $sp)))))
          (local.set $c (i32.add (local.get $c) (i32.const 2)))
          (br_if $flush (i32.lt_s (local.get $c) (i32.shl (local.get $C) (i32.const 1)))))
        (local.set $r0 (local.get $r1))
        (br $chunks))))

  ;; out[r, c] = a[r, c] * p[c] + b[r, c] * q[c] + k[c]   (b == 0: out = a * p + k)
  (func (export "affine")
    (param $a i32) (param $b i32) (param $M i32) (param $C i32)
    (param $p i32) (param $q i32) (param $k i32) (param $out i32)
    (local $r i32) (local $c i32) (local $C4 i32) (local $off i32) (local $v v128)
    (local.set $C4 (i32.shl (local.get $C) (i32.const 2)))
    (local.set $off (i32.const 0))
    (local.set $r (i32.const 0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $r) (local.get $M)))
        (local.set $c (i32.const 0))
        (loop $cols
          (local.set $v (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $off))) (v128.load (i32.add (local.get $p) (local.get $c))))
            (v128.load (i32.add (local.get $k) (local.get $c)))))
          (if (local.get $b)
            (then (local.set $v (f32x4.add (local.get $v)
              (f32x4.mul (v128.load (i32.add (local.get $b) (local.get $off))) (v128.load (i32.add (local.get $q) (local.get $c))))))))
          (v128.store (i32.add (local.get $out) (local.get $off)) (local.get $v))
          (local.set $off (i32.add (local.get $off) (i32.const 16)))
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br_if $cols (i32.lt_s (local.get $c) (local.get $C4))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))))
