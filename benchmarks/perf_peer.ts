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

async function run(args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const out = await new Deno.Command(PEER_PYTHON, { args, stdout: "piped", stderr: "piped" }).output();
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

/** Runs the peer once; throws with the peer's last stderr line when it fails. */
export async function runPeer(
  p: { width: number; batch: number; size: number; heads: number; threads: number; steps: number },
): Promise<PeerResult> {
  const args = [
    PEER_SCRIPT.pathname,
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
  const r = await run(args);
  const line = r.stdout.trim().split("\n").pop() ?? "";
  if (!r.ok || !line.startsWith("{")) {
    throw new Error(
      `PyTorch peer failed: ${(r.stderr.trim().split("\n").pop() ?? "no output").slice(0, 200)}`,
    );
  }
  const j = JSON.parse(line) as { version: string; threads: number; ms_per_step: number };
  return { version: j.version, threads: j.threads, msPerStep: j.ms_per_step };
}
