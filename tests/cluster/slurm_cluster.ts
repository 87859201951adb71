/**
 * A throw-away single-node Slurm cluster for tests: {@link slurmMissing} says whether this
 * machine can run one, {@link startSlurm} brings one up with `cluster/slurm/up.sh` (every
 * file under a temporary folder) and {@link SlurmCluster.stop} tears it down with
 * `cluster/slurm/down.sh`.
 *
 * @module
 */

/** The repository root. */
export const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** The programs the test cluster needs (Debian: slurmctld slurmd slurm-client munge). */
export const SLURM_PROGRAMS = [
  "slurmctld",
  "slurmd",
  "munged",
  "mungekey",
  "sbatch",
  "squeue",
  "scontrol",
  "sinfo",
];

/** Where `name` is on PATH (or /usr/sbin, /sbin, which a non-login PATH may lack), or null. */
export function which(name: string): string | null {
  const dirs = [...(Deno.env.get("PATH") ?? "").split(":"), "/usr/sbin", "/sbin"];
  for (const d of dirs) {
    if (!d) continue;
    try {
      if (Deno.statSync(`${d}/${name}`).isFile) return `${d}/${name}`;
    } catch {
      // not here
    }
  }
  return null;
}

/** Why this machine cannot run the test cluster, or null when it can. */
export function slurmMissing(): string | null {
  if (Deno.build.os !== "linux") return "the Slurm test cluster needs Linux";
  const missing = SLURM_PROGRAMS.filter((p) => which(p) === null);
  if (missing.length) {
    return `Slurm packages not installed (no ${missing.join(", ")}); ` +
      `apt-get install slurmctld slurmd slurm-client munge`;
  }
  if (Deno.uid() !== 0) return "the Slurm test cluster runs its daemons as root; run the tests as root";
  return null;
}

/** Result of a finished command. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cmd args` in the repository root with `env` added; never throws on a non-zero exit.
 * The process is killed after `timeoutMs` (its code is then non-zero).
 */
export async function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 300_000,
): Promise<Ran> {
  const signal = AbortSignal.timeout(timeoutMs);
  const child = new Deno.Command(cmd, {
    args,
    cwd: REPO,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal,
  })
    .spawn();
  const out = await child.output();
  const dec = new TextDecoder();
  const timedOut = signal.aborted ? `\n(killed after ${timeoutMs / 1000} s)` : "";
  return {
    code: signal.aborted ? 124 : out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr) + timedOut,
  };
}

/** Like {@link run}, but a non-zero exit throws an error showing the command and its output. */
export async function mustRun(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const r = await run(cmd, args, env);
  if (r.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  }
  return r.stdout;
}

/** A running test cluster. */
export interface SlurmCluster {
  /** Its state folder (configuration, munge key and socket, spool, logs). */
  state: string;
  /** The environment its clients need (SLURM_CONF). */
  env: Record<string, string>;
  /** Pids of munged, slurmctld and slurmd. */
  pids: number[];
  /** The daemons' logs (for failure messages). */
  logs(): string;
  /** Stops the daemons and removes the state folder. */
  stop(): Promise<void>;
}

/** Two TCP ports free on 127.0.0.1 right now (the OS picks them). */
function freePorts(): [number, number] {
  const a = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const b = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const ports: [number, number] = [(a.addr as Deno.NetAddr).port, (b.addr as Deno.NetAddr).port];
  a.close();
  b.close();
  return ports;
}

/** Brings up a cluster on two free localhost ports. */
export async function startSlurm(): Promise<SlurmCluster> {
  const state = await Deno.makeTempDir({ prefix: "amcl-slurm-" });
  const down = async () => {
    await run("bash", [`${REPO}/cluster/slurm/down.sh`, state]);
  };
  const [ctld, slurmd] = freePorts();
  const ports = { AMCL_SLURM_CTLD_PORT: String(ctld), AMCL_SLURM_SLURMD_PORT: String(slurmd) };
  await mustRun("bash", [`${REPO}/cluster/slurm/up.sh`, state], ports).catch(async (e) => {
    await down();
    throw e;
  });
  const pid = (f: string) => Number(Deno.readTextFileSync(`${state}/${f}`).trim());
  return {
    state,
    env: { SLURM_CONF: `${state}/slurm.conf` },
    pids: [pid("munge/munged.pid"), pid("slurmctld.pid"), pid("slurmd.pid")],
    logs() {
      const parts: string[] = [];
      for (const f of ["slurmctld.log", "slurmd.log", "munged.log"]) {
        try {
          parts.push(
            `--- ${f}\n${Deno.readTextFileSync(`${state}/log/${f}`).split("\n").slice(-40).join("\n")}`,
          );
        } catch {
          // not written
        }
      }
      return parts.join("\n");
    },
    stop: down,
  };
}

/** Whether process `pid` runs (a zombie, dead but not yet reaped, does not). */
export function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return false;
  }
}

/** A listening or bound socket: its local address and port. */
export interface Bound {
  proto: "tcp" | "udp";
  address: string;
  port: number;
}

function hexAddress(hex: string): string {
  if (hex.length === 8) {
    return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(".");
  }
  // IPv6: four little-endian 32-bit words.
  const words = [0, 8, 16, 24].map((i) => hex.slice(i, i + 8).match(/../g)!.reverse().join(""));
  const v6 = words.join("").match(/.{4}/g)!.map((g) => parseInt(g, 16).toString(16)).join(":");
  return v6.replace(/(^|:)0(:0)+(:|$)/, "::");
}

/**
 * The TCP sockets listening and the UDP sockets bound by the processes `pids` (read from
 * /proc: each process's socket inodes matched against /proc/net/{tcp,tcp6,udp,udp6}; the
 * files are read by a shell, as Deno grants /proc/PID/fd and /proc/net only with --allow-all).
 */
export async function socketsOf(pids: number[]): Promise<Bound[]> {
  const links = await mustRun("bash", [
    "-c",
    'for p in "$@"; do for f in /proc/$p/fd/*; do readlink "$f"; done; done; true',
    "socketsOf",
    ...pids.map(String),
  ]);
  const inodes = new Set<string>();
  for (const l of links.split("\n")) {
    const m = /^socket:\[(\d+)\]$/.exec(l.trim());
    if (m) inodes.add(m[1]);
  }
  const out: Bound[] = [];
  for (const table of ["tcp", "tcp6", "udp", "udp6"]) {
    const text = await mustRun("bash", ["-c", `cat /proc/net/${table} 2>/dev/null; true`]);
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9])) continue;
      const tcp = table.startsWith("tcp");
      if (tcp && f[3] !== "0A") continue; // only LISTEN
      const [addr, port] = f[1].split(":");
      out.push({ proto: tcp ? "tcp" : "udp", address: hexAddress(addr), port: parseInt(port, 16) });
    }
  }
  return out;
}
