/**
 * The formula of every loss (tables T1 baselines, T2 AMCL; `deno task vectors` names), as
 * data: no tensor code, so the method cards (methods/method_cards.ts) can load it
 * without tfjs. Each loss file re-exports its own entry.
 *
 * @module
 */
import type { LossInfo } from "./info.ts";

/** Formula metadata (table T2). */
export const AMCL_BARLOW_INFO: LossInfo = {
  name: "amcl_barlow",
  title: "AMCL cross-correlation (Barlow Twins)",
  kind: "amcl",
  methods: ["barlow"],
  equation: "amcl.md §5 (paper Eq. 2.3)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \Big[ \sum_l \big(1 - \mathcal{C}^c_{ll}/\tau^{c+}_{l}\big)^2 + \lambda \sum_l \sum_{m \neq l} \frac{(\mathcal{C}^c_{lm})^2}{\tau^{c-}_{lm}} + \beta \sum_l \Omega(\tau^{c+}_{l}) - \beta \sum_l \sum_{m \neq l} \Omega(\tau^{c-}_{lm}) \Big]`,
  text:
    "L = Σ_c [ Σ_l (1 − C_ll/τ_ll)² + λ Σ_{l≠m} C_lm²/τ_lm + βΣ_l Ω(τ_ll) − βΣ_{l≠m} Ω(τ_lm) ], τ_lm from φ: R^B → R^B on raw channel vectors",
};

/** Formula metadata (table T2). */
export const AMCL_INFONCE_INFO: LossInfo = {
  name: "amcl_infonce",
  title: "AMCL InfoNCE (CAN)",
  kind: "amcl",
  methods: ["can"],
  equation: "amcl.md §5 (paper Eq. 2.4, top-κ form Eq. 5)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \frac{1}{2B}\sum_{i} \Big[ -\frac{s_i^{c+}}{\tau_i^{c+}} + \frac{1}{\kappa}\sum_{n \in S_i^c} \frac{s_{in}^{c}}{\tau_{in}^{c}} + \beta\,\Omega(\tau_i^{c+}) - \beta \sum_{n \in S_i^c} \big(\log \tau_{in}^{c} + 1/\tau_{in}^{c}\big) \Big],\ S_i^c \subset \{\text{negatives}\} \cup \{i^+\}`,
  text:
    "L = Σ_c mean_i [ −s⁺/τ⁺ + (1/κ)Σ_{n∈S} s_n/τ_n + βΩ(τ⁺) − βΣ_{n∈S}(log τ_n + 1/τ_n) ], S = top-κ of negatives + positive by similarity",
};

/** Formula metadata (table T2). */
export const AMCL_MOCO_INFO: LossInfo = {
  name: "amcl_moco",
  title: "AMCL InfoNCE vs queue (MoCo), top-κ",
  kind: "amcl",
  methods: ["moco"],
  equation: "amcl.md §5 (paper Eq. 2.1, top-κ form Eq. 5)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \frac{1}{2}\sum_{(a,p) \in \{(q,k),(k,q)\}} \frac{1}{B}\sum_{i} \Big[ -\frac{s(a_i,p_i)}{\tau(a_i,p_i)} + \frac{1}{\kappa}\sum_{j \in S_i} \frac{s(a_i,\kappa_j)}{\tau(a_i,\kappa_j)} + \beta\,\Omega(\tau(a_i,p_i)) - \beta \sum_{j \in S_i} \big(\log \tau_{ij} + 1/\tau_{ij}\big) \Big]`,
  text:
    "L = Σ_c ½ Σ_{q→k, k→q} mean_i [ −s⁺/τ⁺ + (1/κ)Σ_{j∈S} s_j/τ_j + βΩ(τ⁺) − βΣ_{j∈S}(log τ_j + 1/τ_j) ], S = top-κ queue keys of that head",
};

/** Formula metadata (table T2). */
export const AMCL_MOCOV3_INFO: LossInfo = {
  name: "amcl_mocov3",
  title: "AMCL MoCo v3 in-batch (LGP), top-κ",
  kind: "amcl",
  methods: ["lgp"],
  equation: "amcl.md §5 (paper Eq. 2.4, top-κ form Eq. 5) on MoCo v3 in-batch keys (methods.md LGP)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \sum_{(q,k) \in \{(q_1,k_2),(q_2,k_1)\}} \frac{1}{B}\sum_{i} \Big[ -\frac{s(q_i,k_i)}{\tau(q_i,k_i)} + \frac{1}{\kappa}\sum_{j \in S_i} \frac{s(q_i,k_j)}{\tau(q_i,k_j)} + \beta\,\Omega(\tau(q_i,k_i)) - \beta \sum_{j \in S_i} \big(\log \tau_{ij} + 1/\tau_{ij}\big) \Big],\ S_i \subset \{k_1,\dots,k_B\}`,
  text:
    "L = Σ_c Σ_{(q1,k2),(q2,k1)} mean_i [ −s⁺/τ⁺ + (1/κ)Σ_{j∈S} s_j/τ_j + βΩ(τ⁺) − βΣ_{j∈S}(log τ_j + 1/τ_j) ], S = top-κ of the B in-batch keys (positive included), keys no gradient",
};

/** Formula metadata (table T2). */
export const AMCL_NTXENT_INFO: LossInfo = {
  name: "amcl_ntxent",
  title: "AMCL NT-Xent (SimCLR), top-κ",
  kind: "amcl",
  methods: ["simclr"],
  equation: "amcl.md §5 (paper Eq. 2.1, top-κ form Eq. 5)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \frac{1}{2B}\sum_{i} \Big[ -\frac{s_i^{c+}}{\tau_i^{c+}} + \frac{1}{\kappa}\sum_{n \in S_i^c} \frac{s_{in}^{c-}}{\tau_{in}^{c-}} + \beta\,\Omega(\tau_i^{c+}) - \beta \sum_{n \in S_i^c} \big(\log \tau_{in}^{c-} + 1/\tau_{in}^{c-}\big) \Big],\quad \Omega(\tau) = \tfrac{d'}{2}\log\tau + \tfrac{1}{\tau}`,
  text:
    "L = Σ_c mean_i [ −s⁺/τ⁺ + (1/κ)Σ_{n∈S} s_n/τ_n + βΩ(τ⁺) − βΣ_{n∈S}(log τ_n + 1/τ_n) ], S = top-κ negatives by similarity, Ω(τ) = (d'/2)log τ + 1/τ",
};

/** Formula metadata of the softmax form (table T2). */
export const AMCL_NTXENT_SOFTMAX_INFO: LossInfo = {
  name: "amcl_ntxent_softmax",
  title: "AMCL NT-Xent (SimCLR), softmax form",
  kind: "amcl",
  methods: ["simclr"],
  equation: "amcl.md §5 softmax form (our reading)",
  latex: String
    .raw`\mathcal{L} = \sum_{c} \frac{1}{2B}\sum_{i} \Big[ -\frac{s_i^{+}}{\tau_i^{+}} + \log\sum_{n} e^{s_{in}/\tau_{in}} + \beta\,\Omega(\tau_i^{+}) - \beta \sum_{n} w_{in}\big(\log \tau_{in} + 1/\tau_{in}\big) \Big],\ w_{in} = \mathrm{softmax}_n(s_{in}/\tau_{in})`,
  text:
    "L = Σ_c mean_i [ −s⁺/τ⁺ + logsumexp_n(s_n/τ_n) + βΩ(τ⁺) − βΣ_n w_n(log τ_n + 1/τ_n) ], w = softmax_n(s_n/τ_n)",
};

/** Formula metadata of the paper's negative regulariser (table T2, T9). */
export const AMCL_NTXENT_PAPERREG_INFO: LossInfo = {
  name: "amcl_ntxent_paperreg",
  title: "AMCL NT-Xent (SimCLR), paper negative regulariser",
  kind: "amcl",
  methods: ["simclr"],
  equation: 'amcl.md §8 (negReg "paper"; κ = 1: paper Eq. 2.1)',
  latex: String
    .raw`\mathcal{L} = \sum_{c} \frac{1}{2B}\sum_{i} \Big[ -\frac{s_i^{+}}{\tau_i^{+}} + \frac{1}{\kappa}\sum_{n \in S_i} \frac{s_{in}}{\tau_{in}} + \beta\,\Omega(\tau_i^{+}) - \frac{\beta}{\kappa} \sum_{n \in S_i} \Omega(\tau_{in}) \Big]`,
  text: "L = Σ_c mean_i [ −s⁺/τ⁺ + (1/κ)Σ_{n∈S} s_n/τ_n + βΩ(τ⁺) − (β/κ)Σ_{n∈S} Ω(τ_n) ]",
};

/** Formula metadata (table T2). */
export const AMCL_SIMSIAM_INFO: LossInfo = {
  name: "amcl_simsiam",
  title: "AMCL negative cosine (SimSiam)",
  kind: "amcl",
  methods: ["simsiam"],
  equation: "amcl.md §5 (paper Eq. 2.2)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \Big[ -\frac{\mathrm{sim}(p_1^c, \mathrm{sg}\,z_2^c)}{2\tau_1^c} - \frac{\mathrm{sim}(p_2^c, \mathrm{sg}\,z_1^c)}{2\tau_2^c} + \beta\,\Omega(\tau_1^c) + \beta\,\Omega(\tau_2^c) \Big]`,
  text: "L = Σ_c mean_i [ −sim(p1, sg z2)/(2τ1) − sim(p2, sg z1)/(2τ2) + βΩ(τ1) + βΩ(τ2) ]",
};

/** Formula metadata (table T1). */
export const BARLOW_INFO: LossInfo = {
  name: "barlow",
  title: "Cross-correlation (Barlow Twins)",
  kind: "baseline",
  methods: ["barlow"],
  equation: "amcl.md §4 (paper Table 1, Barlow Twins)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \Big[ \sum_l (1 - \mathcal{C}^c_{ll})^2 + \lambda \sum_l \sum_{m \neq l} (\mathcal{C}^c_{lm})^2 \Big]`,
  text: "L = Σ_c [ Σ_l (1 − C_ll)² + λ Σ_l Σ_{m≠l} C_lm² ], C = xᵀy/B of batch-standardised projections",
};

/** Formula metadata (table T1). */
export const INFONCE_INFO: LossInfo = {
  name: "infonce",
  title: "InfoNCE (CAN)",
  kind: "baseline",
  methods: ["can"],
  equation: "amcl.md §4 (paper Table 1, CAN / LGP)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \frac{1}{2B}\sum_{i=1}^{2B} -\log \frac{\exp(s_i^{c+}/T)}{\exp(s_i^{c+}/T) + \sum_{n} \exp(s_{in}^{c-}/T)}`,
  text: "L = Σ_c mean_i −log( exp(s⁺/T) / (exp(s⁺/T) + Σ_n exp(s_n/T)) ), positive in the denominator",
};

/** Formula metadata (table T1). */
export const MOCO_INFO: LossInfo = {
  name: "moco",
  title: "InfoNCE vs queue (MoCo)",
  kind: "baseline",
  methods: ["moco"],
  equation: "amcl.md §4 (paper Table 1, MoCo)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \frac{1}{B}\sum_{i=1}^{B} -\log \frac{\exp(q_i^c \cdot k_i^c/T)}{\exp(q_i^c \cdot k_i^c/T) + \sum_{j=1}^{K} \exp(q_i^c \cdot \kappa_j^c/T)}`,
  text: "L = Σ_c mean_i −log( exp(q·k/T) / (exp(q·k/T) + Σ_j exp(q·queue_j/T)) ), q, k, queue L2-normalised",
};

/** Formula metadata (table T1). */
export const MOCOV3_INFO: LossInfo = {
  name: "mocov3",
  title: "MoCo v3 in-batch InfoNCE (LGP)",
  kind: "baseline",
  methods: ["lgp"],
  equation: "methods.md LGP (MoCo v3: 2τ·CE(q·kᵀ/τ, diagonal), symmetrised)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \sum_{(q,k) \in \{(q_1,k_2),(q_2,k_1)\}} \frac{2T}{B}\sum_{i=1}^{B} -\log \frac{\exp(q_i^c \cdot k_i^c/T)}{\sum_{j=1}^{B} \exp(q_i^c \cdot k_j^c/T)}`,
  text:
    "L = Σ_c [ ctr(q1, k2) + ctr(q2, k1) ], ctr(q, k) = 2T · mean_i −log( exp(q_i·k_i/T) / Σ_j exp(q_i·k_j/T) ), keys in-batch, no gradient",
};

/** Formula metadata (table T1). */
export const NTXENT_INFO: LossInfo = {
  name: "ntxent",
  title: "NT-Xent (SimCLR)",
  kind: "baseline",
  methods: ["simclr"],
  equation: "amcl.md §4 (paper Table 1, SimCLR)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \frac{1}{2B}\sum_{i=1}^{2B} -\log \frac{\exp(\mathrm{sim}(z_i^c, z_{i^+}^c)/T)}{\sum_{n \neq i} \exp(\mathrm{sim}(z_i^c, z_n^c)/T)}`,
  text:
    "L = Σ_c mean_i −log( exp(sim(z_i, z_i⁺)/T) / Σ_{n≠i} exp(sim(z_i, z_n)/T) ), 2B anchors, 2B−2 negatives",
};

/** Formula metadata (table T1). */
export const SIMSIAM_INFO: LossInfo = {
  name: "simsiam",
  title: "Negative cosine (SimSiam)",
  kind: "baseline",
  methods: ["simsiam"],
  equation: "amcl.md §4 (paper Table 1, SimSiam)",
  latex: String
    .raw`\mathcal{L} = \sum_{c=1}^{C} \left[ -\tfrac{1}{2}\,\mathrm{sim}(p_1^c, \mathrm{sg}(z_2^c)) - \tfrac{1}{2}\,\mathrm{sim}(p_2^c, \mathrm{sg}(z_1^c)) \right]`,
  text: "L = Σ_c [ −½ sim(p1, sg z2) − ½ sim(p2, sg z1) ], mean over the batch, sg = stop-gradient",
};
