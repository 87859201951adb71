/**
 * The PyTorch peer: `benchmarks/peers/torch_step.py` (the shared peer, unchanged) run with
 * `/usr/bin/python3` when that Python can import torch (Debian `python3-torch`). It times one
 * SimCLR step (two views, ResNet-18 CIFAR stem, NT-Xent, SGD) at given shapes and threads.
 *
 * @module
 */

/** Where the peer's Python lives (Debian's, which has `python3-torch`). */
export const PEER_PYTHON = "/usr/bin/python3";
/** The peer script, next to this file. */
export const PEER_SCRIPT = new URL("./peers/torch_step.py", import.meta.url);
/** The same peer with channels-last images and convolution weights (see the script's doc). */
export const PEER_SCRIPT_CHANNELS_LAST = new URL("./peers/torch_step_channels_last.py", import.meta.url);

/** The memory formats the peer runs in: PyTorch's default (NCHW) and channels-last. */
export type PeerFormat = "nchw" | "channels_last";

/**
 * glibc malloc settings for the peer: without them glibc hands every large activation back to
 * the OS when PyTorch frees it and page-faults it in again on the next step (≈ 250 000 minor
 * faults and 2 s of system time in 5 steps at ResNet-18 ×1/8, and steps 1.5–3× slower and
 * erratic). Raising the mmap threshold to its maximum (32 MiB) and never trimming keeps the
 * memory, as jemalloc/tcmalloc would (both commonly advised for PyTorch on CPU; jemalloc was
 * slower here). The peer is the strongest PyTorch this machine runs, so no ratio is flattered.
 */
export const PEER_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(64 * 1024 ** 3),
  MALLOC_TOP_PAD_: String(512 * 1024 * 1024),
};

/** What one peer run measured. */
export interface PeerResult {
  /** torch.__version__. */
  version: string;
  threads: number;
  msPerStep: number;
}

/** Whether the peer can run here, and why not. */
export interface PeerStatus {
  available: boolean;
  version?: string;
  reason?: string;
}

async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const out = await new Deno.Command(PEER_PYTHON, { args, env, stdout: "piped", stderr: "piped" })
      .output();
    const dec = new TextDecoder();
    return { ok: out.success, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } catch (e) {
    return { ok: false, stdout: "", stderr: e instanceof Error ? e.message : String(e) };
  }
}

/** Checks that `/usr/bin/python3` runs and imports torch. */
export async function peerStatus(): Promise<PeerStatus> {
  const r = await run(["-c", "import torch; print(torch.__version__)"]);
  if (!r.ok) {
    const why = r.stderr.trim().split("\n").pop() ?? "failed";
    return {
      available: false,
      reason: `${PEER_PYTHON} cannot import torch (${why.slice(0, 160)}); apt-get install -y python3-torch`,
    };
  }
  return { available: true, version: r.stdout.trim() };
}

/**
 * Runs the peer once (default NCHW, with {@link PEER_MALLOC_ENV}); throws with the peer's last
 * stderr line when it fails.
 */
export async function runPeer(
  p: {
    width: number;
    batch: number;
    size: number;
    heads: number;
    threads: number;
    steps: number;
    format?: PeerFormat;
  },
): Promise<PeerResult> {
  const args = [
    (p.format === "channels_last" ? PEER_SCRIPT_CHANNELS_LAST : PEER_SCRIPT).pathname,
    "--width",
    String(p.width),
    "--batch",
    String(p.batch),
    "--size",
    String(p.size),
    "--threads",
    String(p.threads),
    "--steps",
    String(p.steps),
    "--heads",
    String(p.heads),
  ];
  const r = await run(args, { ...PEER_MALLOC_ENV });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  if (!r.ok || !line.startsWith("{")) {
    throw new Error(
      `PyTorch peer failed: ${(r.stderr.trim().split("\n").pop() ?? "no output").slice(0, 200)}`,
    );
  }
  const j = JSON.parse(line) as { version: string; threads: number; ms_per_step: number };
  return { version: j.version, threads: j.threads, msPerStep: j.ms_per_step };
}

/** One peer round in both memory formats. */
export interface PeerPair {
  nchw: PeerResult;
  channelsLast: PeerResult;
  /** The faster of the two (the PyTorch a ratio is taken against). */
  best: PeerResult & { format: PeerFormat };
}

/** Runs the peer in both memory formats, one after the other, and says which was faster. */
export async function runPeerFormats(
  p: { width: number; batch: number; size: number; heads: number; threads: number; steps: number },
): Promise<PeerPair> {
  const nchw = await runPeer({ ...p, format: "nchw" });
  const channelsLast = await runPeer({ ...p, format: "channels_last" });
  const best = channelsLast.msPerStep < nchw.msPerStep
    ? { ...channelsLast, format: "channels_last" as const }
    : { ...nchw, format: "nchw" as const };
  return { nchw, channelsLast, best };
}
