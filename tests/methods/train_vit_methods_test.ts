// CAN and LGP (baseline and AMCL) on a tiny ViT: 20 training steps each (see method_train_cases.ts).
import { defineMethodTrainTests } from "./method_train_cases.ts";

await defineMethodTrainTests((m) => ["can", "lgp"].includes(m));
