import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { UserError } from "../../core/errors.ts";
import { AUG_SETS, Augmenter, parseAugSet, REFERENCE_ORDER } from "../../datasets/augment.ts";
import { CROP_RATIO, cropBoxCoords, resizedCrop, sampleCropBox } from "../../datasets/aug_crop.ts";
import { flipImages } from "../../datasets/aug_flip.ts";
import { grayscaleImages, LUMA_WEIGHTS } from "../../datasets/aug_grayscale.ts";
import {
  adjustHue,
  colourJitter,
  colourJitterOps,
  JITTER_RANGES,
  type JitterParams,
  sampleJitter,
} from "../../datasets/aug_jitter.ts";
import { colourJitterTensor } from "../../datasets/aug_jitter_host.ts";
import { blurImages, blurKernelSize, gaussianKernel1d } from "../../datasets/aug_blur.ts";

await initBackend("wasm");

function randomImages(n: number, h: number, w: number, c: number, seed: number): tf.Tensor4D {
  return tf.tensor4d(new Rng(seed).uniforms(n * h * w * c), [n, h, w, c]);
}

const SHAPE32: [number, number, number] = [32, 32, 3];
const STATS = { shape: SHAPE32, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };

// ---- a: random resized crop ----

Deno.test("crop: boxes keep the scale range (0.08, 1) and the aspect range (3/4, 4/3)", () => {
  const rng = new Rng(1);
  let minFrac = 1, maxFrac = 0, minR = 10, maxR = 0;
  for (let i = 0; i < 3000; i++) {
    const b = sampleCropBox(1000, 1000, rng);
    const frac = (b.width * b.height) / 1e6;
    const r = b.width / b.height;
    assert.ok(frac >= 0.08 - 1e-3 && frac <= 1, `area fraction ${frac}`);
    assert.ok(r >= 3 / 4 - 5e-3 && r <= 4 / 3 + 5e-3, `aspect ${r}`);
    assert.ok(b.top >= 0 && b.left >= 0 && b.top + b.height <= 1000 && b.left + b.width <= 1000);
    [minFrac, maxFrac, minR, maxR] = [
      Math.min(minFrac, frac),
      Math.max(maxFrac, frac),
      Math.min(minR, r),
      Math.max(maxR, r),
    ];
  }
  // The whole ranges are used, not a constant.
  assert.ok(minFrac < 0.1 && maxFrac > 0.9, `fractions ${minFrac}..${maxFrac}`);
  assert.ok(minR < 0.8 && maxR > 1.25, `aspects ${minR}..${maxR}`);
  // 32 px: boxes stay inside the image.
  for (let i = 0; i < 2000; i++) {
    const b = sampleCropBox(32, 32, rng);
    assert.ok(b.width >= 1 && b.height >= 1 && b.top + b.height <= 32 && b.left + b.width <= 32);
  }
});

Deno.test("crop: fallback is the centre crop with the aspect clamped into the range", () => {
  // A 10×1000 strip: no sampled box fits, so the fallback runs.
  const b = sampleCropBox(10, 1000, new Rng(2));
  assert.equal(b.height, 10);
  assert.equal(b.width, Math.round(10 * CROP_RATIO[1]));
  assert.equal(b.left, Math.floor((1000 - b.width) / 2));
  assert.equal(b.top, 0);
});

Deno.test("crop: resizes exactly the box's pixels (ramp image)", () => {
  // Pixel value = column index, so the output columns are the sampled positions.
  const ramp = new Float32Array(32 * 32);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) ramp[y * 32 + x] = x;
  const img = tf.tensor4d(ramp, [1, 32, 32, 1]);
  const box = { top: 4, left: 8, height: 20, width: 16 };
  const out = resizedCrop(img, [cropBoxCoords(box, 32, 32)]);
  const v = out.dataSync();
  for (let k = 0; k < 32; k++) assert.ok(Math.abs(v[k] - (8 + (k * 15) / 31)) < 1e-4, `column ${k}: ${v[k]}`);
  // The whole-image box is the identity, exactly.
  const id = resizedCrop(img, [cropBoxCoords({ top: 0, left: 0, height: 32, width: 32 }, 32, 32)]);
  assert.deepEqual(id.dataSync(), img.dataSync());
  tf.dispose([img, out, id]);
});

// ---- e: horizontal flip ----

Deno.test("flip: flipped images are exact mirrors, the others exact copies", () => {
  const x = randomImages(3, 8, 8, 3, 3);
  const y = flipImages(x, [true, false, true]);
  const a = x.arraySync(), b = y.arraySync();
  for (const i of [0, 2]) {
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) assert.deepEqual(b[i][r][c], a[i][r][7 - c]);
  }
  assert.deepEqual(b[1], a[1]);
  tf.dispose([x, y]);
});

Deno.test("flip folded into the crop equals crop then flip", () => {
  const x = randomImages(4, 32, 32, 3, 4);
  const aug = new Augmenter("ae", STATS);
  const params = aug.sample(4, new Rng(5));
  params[0].flip = true;
  params[1].flip = false;
  const folded = aug.applyParams(x, params);
  const crop = resizedCrop(x, params.map((p) => cropBoxCoords(p.crop!, 32, 32)));
  const sep = flipImages(crop, params.map((p) => p.flip));
  assert.ok(tf.max(tf.abs(tf.sub(folded, sep))).dataSync()[0] < 1e-5);
  tf.dispose([x, folded, crop, sep]);
});

// ---- c: grayscale ----

Deno.test("grayscale: luma (ITU-R BT.601) in every channel; other images unchanged", () => {
  const x = randomImages(2, 4, 4, 3, 6);
  const y = grayscaleImages(x, [true, false]);
  const a = x.arraySync(), b = y.arraySync();
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const [R, G, B] = a[0][r][c];
      const lum = LUMA_WEIGHTS[0] * R + LUMA_WEIGHTS[1] * G + LUMA_WEIGHTS[2] * B;
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(b[0][r][c][k] - lum) < 1e-6);
      assert.equal(b[0][r][c][0], b[0][r][c][1]);
      assert.equal(b[0][r][c][1], b[0][r][c][2]);
    }
  }
  assert.deepEqual(b[1], a[1]);
  assert.deepEqual([...LUMA_WEIGHTS], [0.299, 0.587, 0.114]);
  tf.dispose([x, y]);
});

// ---- d: colour jitter ----

Deno.test("jitter: factors stay in range, order is a random permutation per image", () => {
  const rng = new Rng(7);
  const orders = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const p = sampleJitter(rng);
    for (const k of ["brightness", "contrast", "saturation"] as const) {
      assert.ok(p[k] >= 0.6 && p[k] < 1.4, `${k} ${p[k]}`);
    }
    assert.ok(p.hue >= -0.1 && p.hue < 0.1, `hue ${p.hue}`);
    assert.deepEqual([...p.order].sort(), [0, 1, 2, 3]);
    orders.add(p.order.join(""));
  }
  assert.equal(orders.size, 24);
  assert.deepEqual(JITTER_RANGES.brightness, [0.6, 1.4]);
  assert.deepEqual(JITTER_RANGES.hue, [-0.1, 0.1]);
});

/** torchvision's formulas, one pixel at a time (the reference for the batched ops). */
function refHue(r: number, g: number, b: number, shift: number): number[] {
  const mx = Math.max(r, g, b), mn = Math.min(r, g, b), cr = mx - mn;
  const s = cr / (mx === 0 ? 1 : mx);
  const d = cr === 0 ? 1 : cr;
  const rc = (mx - r) / d, gc = (mx - g) / d, bc = (mx - b) / d;
  let h = mx === r ? bc - gc : mx === g ? 2 + rc - bc : 4 + gc - rc;
  h = (((h / 6 + 1) % 1) + shift + 1) % 1;
  const i = Math.floor(h * 6) % 6, f = h * 6 - Math.floor(h * 6);
  const p = mx * (1 - s), q = mx * (1 - s * f), t = mx * (1 - s * (1 - f));
  return [[mx, t, p], [q, mx, p], [p, mx, t], [p, q, mx], [t, p, mx], [mx, p, q]][i];
}

function refJitter(img: Float64Array, p: JitterParams): Float64Array {
  const x = Float64Array.from(img);
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const luma = (i: number) => 0.299 * x[i] + 0.587 * x[i + 1] + 0.114 * x[i + 2];
  for (const op of p.order) {
    if (op === 0) { for (let i = 0; i < x.length; i++) x[i] = clamp(p.brightness * x[i]); }
    else if (op === 1) {
      let m = 0;
      for (let i = 0; i < x.length; i += 3) m += luma(i);
      m /= x.length / 3;
      for (let i = 0; i < x.length; i++) x[i] = clamp(p.contrast * x[i] + (1 - p.contrast) * m);
    } else if (op === 2) {
      for (let i = 0; i < x.length; i += 3) {
        const l = luma(i);
        for (let k = 0; k < 3; k++) x[i + k] = clamp(p.saturation * x[i + k] + (1 - p.saturation) * l);
      }
    } else {
      for (let i = 0; i < x.length; i += 3) x.set(refHue(x[i], x[i + 1], x[i + 2], p.hue), i);
    }
  }
  return x;
}

Deno.test("jitter: hue shift matches torchvision's HSV formulas", () => {
  const px = [[0, 1, 1], [1, 0.2, 0.1], [0.3, 0.6, 0.2], [0.5, 0.5, 0.5], [0.9, 0.1, 0.8], [0.2, 0.3, 0.9]];
  for (const s of [0, 0.1, -0.1, 0.037]) {
    const y = adjustHue(tf.tensor4d(px.flat(), [1, 1, px.length, 3]), [s]).dataSync();
    px.forEach((p, i) => {
      const r = refHue(p[0], p[1], p[2], s);
      for (let k = 0; k < 3; k++) {
        assert.ok(Math.abs(r[k] - y[i * 3 + k]) < 1e-5, `shift ${s} pixel ${p}: ${y[i * 3 + k]} vs ${r[k]}`);
      }
    });
  }
});

Deno.test("jitter: batched jitter equals the per-image reference (random order, clamps)", () => {
  const n = 6, h = 5, w = 4;
  const rng = new Rng(8);
  const pix = rng.uniforms(n * h * w * 3);
  const params: (JitterParams | null)[] = Array.from(
    { length: n },
    (_, i) => (i === 2 ? null : sampleJitter(rng)),
  );
  params[0]!.brightness = 1.39; // push some values into the clamp
  const out = colourJitterOps(tf.tensor4d(pix, [n, h, w, 3]), params).dataSync();
  const per = h * w * 3;
  for (let i = 0; i < n; i++) {
    const img = Float64Array.from(pix.subarray(i * per, (i + 1) * per));
    const ref = params[i] ? refJitter(img, params[i]!) : img;
    for (let k = 0; k < per; k++) {
      assert.ok(
        Math.abs(ref[k] - out[i * per + k]) < 2e-5,
        `image ${i} value ${k}: ${out[i * per + k]} vs ${ref[k]}`,
      );
    }
  }
  // The unjittered image is passed through exactly.
  assert.deepEqual(out.subarray(2 * per, 3 * per), pix.subarray(2 * per, 3 * per));
});

Deno.test("jitter: the host path (wasm, cpu) equals the reference and the tensor-op path (orders, clamps, hue edge cases)", async () => {
  const n = 48, h = 4, w = 5;
  const rng = new Rng(21);
  const pix = rng.uniforms(n * h * w * 3);
  // Grey pixels, two- and three-way maxima, black and white: the hue formulas' edge cases.
  const special = [[0.5, 0.5, 0.5], [0.7, 0.7, 0.2], [0.3, 0.8, 0.8], [0.9, 0.1, 0.9], [0, 0, 0], [1, 1, 1]];
  special.forEach((px, j) => pix.set(px, j * 7 * 3));
  const params: (JitterParams | null)[] = Array.from({ length: n }, (_, i) => {
    if (i % 12 === 5) return null;
    const p = sampleJitter(rng);
    p.order = [...[[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1]][i % 4]];
    if (i % 3 === 0) p.order.reverse();
    return p;
  });
  params[1]!.brightness = 1.4; // into the clamp
  params[2]!.hue = -0.1;
  params[3]!.hue = 0.1;
  const per = h * w * 3;
  for (const backend of ["wasm", "cpu"] as const) {
    await initBackend(backend);
    const x = tf.tensor4d(pix, [n, h, w, 3]);
    const host = colourJitterTensor(x, params).dataSync();
    const ops = colourJitterOps(x, params).dataSync();
    for (let i = 0; i < n; i++) {
      const img = Float64Array.from(pix.subarray(i * per, (i + 1) * per));
      const ref = params[i] ? refJitter(img, params[i]!) : img;
      for (let k = 0; k < per; k++) {
        const at = `${backend} image ${i} value ${k}`;
        assert.ok(
          Math.abs(ref[k] - host[i * per + k]) < 2e-5,
          `${at}: ${host[i * per + k]} vs ref ${ref[k]}`,
        );
        assert.ok(Math.abs(ops[i * per + k] - host[i * per + k]) < 2e-5, `${at}: host vs tensor ops`);
      }
    }
    assert.deepEqual(host.subarray(5 * per, 6 * per), pix.subarray(5 * per, 6 * per));
    x.dispose();
  }
  await initBackend("wasm");
});

// ---- b: Gaussian blur ----

Deno.test("blur: kernel ≈ 10% of the side (odd), normalised and symmetric", () => {
  assert.equal(blurKernelSize(32), 3);
  assert.equal(blurKernelSize(96), 9);
  assert.equal(blurKernelSize(224), 23);
  assert.equal(blurKernelSize(28), 3);
  const k = gaussianKernel1d(9, 1.3);
  assert.ok(Math.abs(k.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(k[i] - k[8 - i]) < 1e-7);
  assert.ok(k[4] > k[3] && k[3] > k[2]);
});

Deno.test("blur: a constant image keeps its value and mean; unblurred images are unchanged", () => {
  const constant = tf.fill([1, 32, 32, 3], 0.37) as tf.Tensor4D;
  const rand = randomImages(1, 32, 32, 3, 9);
  const x = tf.concat([constant, rand, rand]) as tf.Tensor4D;
  const y = blurImages(x, [1.7, null, 1.9]);
  const v = y.arraySync();
  const mean0 = v[0].flat(2).reduce((a, b) => a + b, 0) / (32 * 32 * 3); // float64 sum
  assert.ok(Math.abs(mean0 - 0.37) < 1e-6, `mean ${mean0}`);
  for (const row of v[0]) for (const p of row) for (const c of p) assert.ok(Math.abs(c - 0.37) < 1e-6);
  assert.deepEqual(v[1], rand.arraySync()[0]);
  // A blurred random image is smoother: lower variance, similar mean.
  const m = tf.moments(tf.slice(y, [2], [1])), m0 = tf.moments(rand);
  assert.ok(m.variance.dataSync()[0] < 0.6 * m0.variance.dataSync()[0]);
  assert.ok(Math.abs(m.mean.dataSync()[0] - m0.mean.dataSync()[0]) < 0.01);
  tf.dispose([constant, rand, x, y, m.mean, m.variance, m0.mean, m0.variance]);
});

// ---- sets, order, probabilities, determinism ----

Deno.test("sets: named sets and the documented reference order (crop, flip, jitter, grayscale, blur)", () => {
  assert.deepEqual(REFERENCE_ORDER, ["a", "e", "d", "c", "b"]);
  assert.deepEqual(AUG_SETS.default, "acde");
  assert.deepEqual(parseAugSet("abcde").flags, ["a", "e", "d", "c", "b"]);
  assert.deepEqual(parseAugSet("default").flags, ["a", "e", "d", "c"]);
  assert.deepEqual(parseAugSet("ab").flags, ["a", "b"]);
  assert.deepEqual(parseAugSet("ea").flags, ["a", "e"]);
  for (const s of ["a", "ab", "abc", "abcd", "abcde", "default"]) assert.ok(parseAugSet(s).flags.length > 0);
});

Deno.test("sets: the augmenter composes the ops in the reference order", () => {
  const x = randomImages(8, 32, 32, 3, 10);
  const aug = new Augmenter("abcde", STATS);
  const p = aug.sample(8, new Rng(11));
  p.forEach((q, i) => {
    q.gray = i % 2 === 0; // make the order observable
    if (!q.jitter) q.jitter = sampleJitter(new Rng(i));
  });
  const got = aug.applyParams(x, p);
  const step = (t: tf.Tensor4D, f: (t: tf.Tensor4D) => tf.Tensor4D) => f(t);
  const crop = step(x, (t) => resizedCrop(t, p.map((q) => cropBoxCoords(q.crop!, 32, 32))));
  const flip = step(crop, (t) => flipImages(t, p.map((q) => q.flip)));
  const jit = colourJitter(flip, p.map((q) => q.jitter));
  const gray = grayscaleImages(jit, p.map((q) => q.gray));
  const want = blurImages(gray, p.map((q) => q.blurSigma));
  assert.ok(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] < 1e-5);
  // Another order (grayscale before jitter) gives a different result.
  const other = blurImages(
    colourJitter(grayscaleImages(flip, p.map((q) => q.gray)), p.map((q) => q.jitter)),
    p.map((q) => q.blurSigma),
  );
  assert.ok(tf.max(tf.abs(tf.sub(got, other))).dataSync()[0] > 1e-3);
  tf.dispose([x, got, crop, flip, jit, gray, want, other]);
});

Deno.test("sets: each op fires with its probability", () => {
  const aug = new Augmenter("abcde", STATS);
  const p = aug.sample(20000, new Rng(12));
  const rate = (f: (q: typeof p[0]) => boolean) => p.filter(f).length / p.length;
  assert.ok(Math.abs(rate((q) => q.flip) - 0.5) < 0.02);
  assert.ok(Math.abs(rate((q) => q.jitter !== null) - 0.8) < 0.02);
  assert.ok(Math.abs(rate((q) => q.gray) - 0.2) < 0.02);
  assert.ok(Math.abs(rate((q) => q.blurSigma !== null) - 0.5) < 0.02);
  assert.ok(p.every((q) => q.crop !== null));
  assert.ok(p.every((q) => q.blurSigma === null || (q.blurSigma >= 0.1 && q.blurSigma < 2)));
  const onlyA = new Augmenter("a", STATS).sample(100, new Rng(1));
  assert.ok(onlyA.every((q) => !q.flip && !q.jitter && !q.gray && q.blurSigma === null));
});

Deno.test("views are deterministic per seed and normalised with the dataset mean/std", () => {
  const x = randomImages(4, 32, 32, 3, 13);
  const aug = new Augmenter("abcde", STATS);
  const a = aug.view(x, new Rng(5)), b = aug.view(x, new Rng(5)), c = aug.view(x, new Rng(6));
  assert.deepEqual(a.dataSync(), b.dataSync());
  assert.notDeepEqual(a.dataSync(), c.dataSync());
  const none = new Augmenter("none", STATS).view(x, new Rng(1));
  const want = tf.div(tf.sub(x, 0.5), 0.25);
  assert.ok(tf.max(tf.abs(tf.sub(none, want))).dataSync()[0] < 1e-6);
  tf.dispose([x, a, b, c, none, want]);
});

Deno.test("host kernels (wasm, cpu): normalise rounds exactly as the tensor ops; grayscale is the luma", async () => {
  const stats = { shape: SHAPE32, mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.243, 0.261] };
  for (const backend of ["wasm", "cpu"] as const) {
    await initBackend(backend);
    const x = randomImages(3, 32, 32, 3, 17);
    const host = new Augmenter("none", stats).normalise(x);
    const ops = tf.div(tf.sub(x, tf.tensor1d(stats.mean)), tf.tensor1d(stats.std));
    assert.deepEqual(host.dataSync(), ops.dataSync(), `${backend}: normalise`);
    const g = grayscaleImages(x, [false, true, true]).dataSync();
    const v = x.dataSync();
    for (let q = 32 * 32 * 3; q < v.length; q += 3) {
      const lum = LUMA_WEIGHTS[0] * v[q] + LUMA_WEIGHTS[1] * v[q + 1] + LUMA_WEIGHTS[2] * v[q + 2];
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(g[q + k] - lum) < 1e-6, `${backend}: grayscale ${q}`);
    }
    assert.deepEqual(g.subarray(0, 32 * 32 * 3), v.subarray(0, 32 * 32 * 3));
    tf.dispose([x, host, ops]);
  }
  await initBackend("wasm");
});

Deno.test("one-channel images: colour ops are identity and reported", () => {
  const aug = new Augmenter("abcde", { shape: [28, 28, 1], mean: [0.286], std: [0.353] });
  assert.deepEqual(aug.identityOps, ["d", "c"]);
  assert.deepEqual(aug.active, ["a", "e", "b"]);
  assert.match(aug.note!, /identity on one-channel/);
  assert.equal(new Augmenter("abcde", STATS).note, null);
  const x = randomImages(3, 28, 28, 1, 14);
  const colourOnly = new Augmenter("cd", { shape: [28, 28, 1], mean: [0], std: [1] });
  assert.deepEqual(colourOnly.view(x, new Rng(1)).dataSync(), x.dataSync());
  const v = aug.view(x, new Rng(2));
  assert.deepEqual(v.shape, [3, 28, 28, 1]);
  tf.dispose([x, v]);
});

Deno.test("unknown or repeated augmentation flags are user errors listing the valid ones", () => {
  assert.throws(() => parseAugSet("abx"), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /unknown augmentation flag "x"/);
    assert.match(e.message, /a \(random resized crop\)/);
    assert.match(e.message, /abcde, default/);
    return true;
  });
  assert.throws(() => parseAugSet("aa"), UserError);
  assert.throws(() => parseAugSet(""), UserError);
  assert.throws(() => new Augmenter("fancy", STATS), /unknown augmentation flag/);
});

Deno.test("the cpu and wasm backends give the same views", async () => {
  const n = 6;
  const pix = new Rng(15).uniforms(n * 32 * 32 * 3);
  const aug = new Augmenter("abcde", STATS);
  const params = aug.sample(n, new Rng(16));
  const run = () => {
    const x = tf.tensor4d(pix, [n, 32, 32, 3]);
    const y = aug.applyParams(x, params);
    const out = y.dataSync().slice();
    tf.dispose([x, y]);
    return out;
  };
  const onWasm = run();
  await initBackend("cpu");
  try {
    const onCpu = run();
    let md = 0;
    for (let i = 0; i < onCpu.length; i++) md = Math.max(md, Math.abs(onCpu[i] - onWasm[i]));
    assert.ok(md < 1e-4, `max difference ${md}`);
  } finally {
    await initBackend("wasm");
  }
});

Deno.test("augmenting does not leak tensors", () => {
  const x = randomImages(16, 32, 32, 3, 17);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) new Augmenter("abcde", STATS).view(x, new Rng(i)).dispose();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});
