// SimCLR, MoCo, SimSiam, Barlow Twins (baseline and AMCL): 20 training steps each (see method_train_cases.ts).
import { defineMethodTrainTests } from "./method_train_cases.ts";

await defineMethodTrainTests((m) => ["simclr", "moco", "simsiam", "barlow"].includes(m));
