/**
 * amcl-bench: a reproducible benchmark suite for Adaptive Multi-head Contrastive Learning
 * (AMCL, ECCV 2024) and the self-supervised methods it improves — SimCLR, MoCo, SimSiam,
 * Barlow Twins, CAN and LGP, each as a baseline and an AMCL variant.
 *
 * The public API, room by room (data flows one way, top to bottom):
 *
 * - **core** — {@link initBackend} (`auto | tensorflow | webgpu | wasm | cpu`), the gradient
 *   kernels the wasm backend lacks, the seeded random source {@link Rng}, environment capture
 *   ({@link captureEnv}), the user-error type {@link UserError}, and the doctor.
 * - **models** — ResNet-18/34/50, ViT, the MAE decoder, MLP heads, the multi-head wrapper
 *   and the temperature MLP φ ({@link TemperatureMlp}), on a small module system.
 * - **methods** — every loss as a pure function (`methods/losses`), the method registry
 *   ({@link listMethods}), the shared training loop ({@link train}), optimisers, schedules,
 *   checkpoints.
 * - **datasets** — the embedded generator, CIFAR, Fashion-MNIST, STL-10, image folders,
 *   batched augmentations.
 * - **eval** — kNN, linear probe, label efficiency, similarity, temperature and collapse
 *   statistics.
 * - **benchmarks** — presets, the grid runner, the results store, shards and merge.
 * - **reports** — the paper's tables and figures in Vega-Lite, the HTML page, compare.
 *
 * @example The AMCL NT-Xent loss with its temperatures
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { amclNtxent, initBackend, Rng, TemperatureMlp } from "./mod.ts";
 *
 * await initBackend("wasm");
 * const rng = new Rng(0);
 * const phi = new TemperatureMlp(rng, 128); // φ: d' → 128 → d', shared by all heads
 * const z1 = tf.randomNormal([256, 3, 128]); // [batch, heads, d'], raw projections of view 1
 * const z2 = tf.randomNormal([256, 3, 128]); // and of view 2
 * const { loss, temperatures } = amclNtxent(z1, z2, phi.tensors(), {
 *   heads: 3, beta: 1e-4, topk: 100, tauMin: 1e-5, tauMax: 2, returnTemperatures: true,
 * });
 * ```
 *
 * @example A sweep, as `deno task bench --preset smoke` runs it
 * ```sh
 * deno task bench --preset smoke --out runs/smoke && deno task compare --in runs/smoke
 * ```
 *
 * @module
 */
export * from "./core/mod.ts";
export * from "./models/mod.ts";
export * from "./methods/mod.ts";
export * from "./datasets/mod.ts";
export * from "./eval/mod.ts";
export * from "./benchmarks/mod.ts";
export * from "./reports/mod.ts";
