/**
 * The MAE decoder of the ViT methods that reconstruct masked patches (CAN, LGP), sized from
 * a cell's extras.
 *
 * @module
 */
import type { Rng } from "../core/random.ts";
import type { CellConfig } from "../core/cell_config.ts";
import type { ViT } from "../models/vit.ts";
import { MaeDecoder, maeDecoderConfig } from "../models/mae_decoder.ts";
import { extraNumber } from "./method_definition.ts";

/**
 * An MAE decoder for `vit`, sized by the cell extras `decoderDim` (512), `decoderDepth` (8)
 * and `decoderHeads` (16).
 */
export function maeDecoderFromCell(rng: Rng, vit: ViT, cell: CellConfig): MaeDecoder {
  return new MaeDecoder(
    rng,
    maeDecoderConfig(vit, {
      dim: extraNumber(cell, "decoderDim", 512),
      depth: extraNumber(cell, "decoderDepth", 8),
      heads: extraNumber(cell, "decoderHeads", 16),
    }),
  );
}
