/**
 * The machinery every method shares, written once: a root container for the method's
 * parts (backbone, heads, φ, momentum copies, queue), parameter groups that leave out the
 * untrained parts, eval-mode feature functions, the similarity-analysis view of the model
 * (features, head features and the cell's temperature function) and parameter counts. A
 * method file only builds its parts and writes its forward pass.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { bothViews, type Ctx, ctx, Module, type NamedParam } from "../models/module.ts";
import { backboneForward, type BuiltBackbone } from "./backbone.ts";
import type {
  MethodModel,
  MethodSimilarity,
  PairContext,
  PairTemperatureFn,
  StepInfo,
  StepOutput,
  StepTaus,
} from "./method_model.ts";
import type { LossOutput } from "./losses/output.ts";
import type { CellConfig } from "../core/cell_config.ts";
import { TemperatureMlp } from "../models/temperature.ts";
import { phiForward, rowTemperatures } from "./losses/temperature.ts";
import type { ParamGroup } from "./optim.ts";

/** A module whose children are added from outside: the root of a method's parts. */
export class Parts extends Module {
  /** Registers `module` under `name`. */
  add<M extends Module>(name: string, module: M): M {
    return this.child(name, module);
  }
}

/** Something with a forward from backbone features [N, F] to head features [N, C, D]. */
export interface Projector extends Module {
  forward(x: tf.Tensor2D, c: Ctx): tf.Tensor3D;
}

/** Base class of the methods. Subclasses add parts to {@link root} and write `forward`. */
export abstract class MethodBase implements MethodModel {
  readonly root: Parts = new Parts();
  /** Root children that the optimiser never trains (momentum copies, queues). */
  protected readonly untrained = new Set<string>();
  /** The cell the method was built for (its temperature settings). */
  abstract readonly cell: CellConfig;
  /** The temperature MLP φ of an AMCL variant (null for baselines). */
  abstract readonly phi: TemperatureMlp | null;
  /**
   * True when φ maps batch vectors R^B → R^B (Barlow Twins) rather than a pair's head
   * features, so it gives no per-pair temperature.
   */
  protected readonly phiOverBatch: boolean = false;

  constructor(
    readonly method: string,
    readonly variant: "baseline" | "amcl",
    readonly backbone: BuiltBackbone,
    readonly projector: Projector,
  ) {
    this.root.add("backbone", backbone.module);
    this.root.add("projector", projector);
  }

  abstract forward(views: [tf.Tensor4D, tf.Tensor4D], c: Ctx, rng: Rng, info: StepInfo): StepOutput;

  /** No after-step work by default. */
  afterStep(_info: StepInfo): void {}

  /** The parameters the optimiser trains by default: all but the untrained parts. */
  protected trainedParams(): NamedParam[] {
    return this.root.parameters().filter((p) => !this.untrained.has(p.path.split(".")[0]));
  }

  /** One group with every trained parameter. */
  paramGroups(_stage: string): ParamGroup[] {
    return [{ name: "all", params: this.trainedParams() }];
  }

  /** Backbone features of `x` in training mode (BN updates to `c`). */
  protected encode(x: tf.Tensor4D, c: Ctx): tf.Tensor2D {
    return backboneForward(this.backbone, x, c);
  }

  /**
   * Training-mode head features [B, C, D] of a step's two views. Views of one shape go
   * through the backbone and the projector as one batch of 2B — half the kernel calls, twice
   * the rows per product — with BatchNorm statistics per view (`Ctx.groups`), so values and
   * gradients are those of two separate passes (up to the order of float sums).
   */
  protected projectViews(views: [tf.Tensor4D, tf.Tensor4D], c: Ctx): [tf.Tensor3D, tf.Tensor3D] {
    return bothViews(
      (x: tf.Tensor4D, g) => this.projector.forward(this.encode(x, g), g),
      views[0],
      views[1],
      c,
    );
  }

  /** Eval-mode backbone features [B, F]. */
  features(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => backboneForward(this.backbone, x, ctx(false)));
  }

  /** Eval-mode head features [B, C, D] (the projector's output). */
  headFeatures(x: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => {
      const c = ctx(false);
      return this.projector.forward(backboneForward(this.backbone, x, c), c);
    });
  }

  /**
   * The model as the similarity analysis sees it: eval-mode backbone and head features (the
   * head features of a batch reuse the backbone features just computed for the same input
   * tensor, so each image goes through the backbone once), and the temperature the scaled
   * similarity uses:
   *
   * - baselines and tauMode "constant": the constant τ of the cell;
   * - AMCL: `τ(a, b) = tauMin + (tauMax − tauMin)·sigmoid(−⟨φ(a), φ(b)⟩)` on the L2-normalised
   *   head features, per side as the tauMode says (a constant side uses the cell's τ; "head1"
   *   takes every head's τ from head 1's features);
   * - Barlow Twins AMCL, whose φ acts on batch vectors and has no per-pair τ: unscaled (τ = 1),
   *   said in `temperatureNote`.
   *
   * SimSiam's and LGP's φ score predictor outputs against targets in training; here it scores
   * the two views' head (projector) features.
   */
  similarityModel(): MethodSimilarity {
    // The last two inputs' backbone features (a pair's two views), not owned: they live in
    // the caller's tidy scope, and a disposed one is never reused.
    const recent: Array<{ x: tf.Tensor4D; f: tf.Tensor2D }> = [];
    const features = (x: tf.Tensor4D): tf.Tensor2D => {
      const f = this.features(x);
      recent.unshift({ x, f });
      recent.length = Math.min(recent.length, 2);
      return f;
    };
    const headFeatures = (x: tf.Tensor4D): tf.Tensor3D => {
      const hit = recent.find((r) => r.x === x && !r.f.isDisposed);
      if (!hit) return this.headFeatures(x);
      return tf.tidy(() => this.projector.forward(hit.f, ctx(false)));
    };
    const cell = this.cell;
    const phi = this.phi;
    const constant = (note: string, tau: number): MethodSimilarity => ({
      features,
      headFeatures,
      temperature: tau,
      temperatureNote: note,
    });
    if (cell.variant !== "amcl" || !phi || cell.tauMode === "constant") {
      return constant(`constant τ = ${cell.tau}`, cell.tau);
    }
    if (this.phiOverBatch) {
      return constant("unscaled (τ = 1): this method's φ acts on batch vectors and gives no per-pair τ", 1);
    }
    const mode = cell.tauMode;
    const adaptive = (kind: PairContext["kind"] | undefined): boolean =>
      kind === undefined || mode === "adaptive" || mode === "head1" ||
      (kind === "pos" ? mode === "adaptive-pos" : mode === "adaptive-neg");
    const params = phi.tensors();
    const temperature: PairTemperatureFn = (_head, a, b, pair) =>
      tf.tidy(() => {
        if (!adaptive(pair?.kind)) return tf.fill([a.shape[0]], cell.tau) as tf.Tensor1D;
        const [fa, fb] = mode === "head1" && pair ? [pair.a[0], pair.b[0]] : [a, b];
        return rowTemperatures(phiForward(fa, params), phiForward(fb, params), cell.tauMin, cell.tauMax);
      });
    const sides = mode === "adaptive" || mode === "head1"
      ? "τ⁺ and τ⁻ from φ"
      : mode === "adaptive-pos"
      ? `τ⁺ from φ, τ⁻ = ${cell.tau}`
      : `τ⁺ = ${cell.tau}, τ⁻ from φ`;
    return {
      features,
      headFeatures,
      temperature,
      temperatureNote: `learned (${sides}${mode === "head1" ? ", every head from head 1" : ""}; ` +
        `tauMin ${cell.tauMin}, tauMax ${cell.tauMax})`,
    };
  }

  /** Trainable scalars by part: backbone, heads (everything else trained), φ. */
  paramCounts(): { backbone: number; heads: number; phi: number; total: number } {
    const count = (pred: (top: string) => boolean) =>
      this.root.parameters().filter((p) =>
        pred(p.path.split(".")[0]) && !this.untrained.has(p.path.split(".")[0])
      )
        .reduce((s, p) => s + p.variable.size, 0);
    const backbone = count((t) => t === "backbone");
    const phi = count((t) => t === "phi");
    const total = count(() => true);
    return { backbone, heads: total - backbone - phi, phi, total };
  }

  /** Frees every variable of every part. */
  dispose(): void {
    this.root.dispose();
  }
}

/** The temperatures of a loss output as the loop takes them (τ⁻ absent for SimSiam). */
export function stepTaus(out: LossOutput): StepTaus | undefined {
  if (!out.temperatures) return undefined;
  return {
    pos: out.temperatures.map((t) => t.positive),
    neg: out.temperatures.flatMap((t) => (t.negative ? [t.negative] : [])),
  };
}

/** Builds φ for a cell's AMCL variant (input width `inDim`: d', or B for Barlow Twins). */
export function buildPhi(rng: Rng, inDim: number, hidden: number): TemperatureMlp {
  return new TemperatureMlp(rng.derive("phi"), inDim, hidden);
}
