import type { PresetInput } from "../preset.ts";
import { SEEDS } from "./common.ts";

/** F4: backbones × pre-training epochs (SimCLR ResNet-50 ×1/×2/×4; CAN ViT-B/L), ImageNet linear probe. */
export const f4: PresetInput = {
  name: "f4",
  description: "Backbones × pre-training epochs: SimCLR ResNet-50 widths and CAN ViTs, baseline vs AMCL",
  artefacts: ["F4"],
  grid: { variant: ["baseline", "amcl"] },
  seeds: SEEDS,
  scales: {
    cpu: {
      fixed: { dataset: "cifar10-subset", batchSize: 256, probeEpochs: 20 },
      cases: [
        { method: "simclr", backbone: "resnet50", width: [0.0625, 0.125], epochs: [5, 15] },
        { method: "can", backbone: ["vit-tiny", "vit-small"], epochs: [5, 15] },
      ],
    },
    paper: {
      fixed: { dataset: "imagenet", probeEpochs: 100 },
      cases: [
        { method: "simclr", backbone: "resnet50", width: [1, 2, 4], epochs: [100, 300], batchSize: 1024 },
        { method: "can", backbone: ["vit-base", "vit-large"], epochs: [100, 800], batchSize: 4096 },
      ],
    },
  },
};
