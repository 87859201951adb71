/**
 * Slurm, for real: a single-node cluster on localhost (cluster/slurm/up.sh) runs the files
 * that `deno task bench --preset smoke --emit slurm` writes — a job array of shards and a
 * merge job depending on it — and the merged results must equal a local run of the same
 * sweep with the same seeds. Ignored (with a message) where the Slurm packages are absent;
 * .ci/run installs them.
 */
import assert from "node:assert/strict";
import Papa from "papaparse";
import { alive, mustRun, type Ran, REPO, run, slurmMissing, socketsOf, startSlurm } from "./slurm_cluster.ts";
import { readCells, reproducible } from "./sweep_records.ts";
import { shardCells } from "../../benchmarks/shard.ts";

const missing = slurmMissing();
if (missing) console.warn(`tests/cluster/slurm_test.ts ignored: ${missing}`);

const DENO = Deno.execPath();
/** Flags of the sweep, identical for the local run and the shards. */
const SWEEP = ["--preset", "smoke", "--backend", "wasm", "--workers", "1", "--quiet"];
/** The whole wait for the cluster's jobs. */
const JOBS_TIMEOUT_MS = 240_000;

function loopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1";
}

/** `scontrol -o show job ID` lines: JobId/ArrayTaskId, JobState and ExitCode of each. */
async function jobStates(env: Record<string, string>, id: string): Promise<string[]> {
  const text = await mustRun("scontrol", ["-o", "show", "job", id], env);
  return text.trim().split("\n").map((l) => {
    const f = (k: string) => new RegExp(`\\b${k}=(\\S+)`).exec(l)?.[1] ?? "?";
    return `${f("JobId")}/${f("ArrayTaskId")} ${f("JobState")} ${f("ExitCode")}`;
  });
}

/** Waits until the jobs `ids` have left the queue (bounded by {@link JOBS_TIMEOUT_MS}). */
async function waitFor(env: Record<string, string>, ids: string[]): Promise<void> {
  const deadline = Date.now() + JOBS_TIMEOUT_MS;
  while ((await mustRun("squeue", ["-h", "-j", ids.join(","), "-o", "%i"], env)).trim()) {
    assert.ok(Date.now() < deadline, `jobs ${ids.join(", ")} still queued after ${JOBS_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function logsOf(dir: string): Promise<string> {
  const parts: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.name.endsWith(".log")) {
        parts.push(`--- ${e.name}\n${await Deno.readTextFile(`${dir}/${e.name}`)}`);
      }
    }
  } catch {
    // no folder
  }
  return parts.join("\n");
}

Deno.test({
  name: "slurm: emitted job array + dependent merge on a localhost cluster reproduce a local run",
  ignore: missing !== null,
  async fn() {
    const rel = `tests/artifacts/cluster-slurm-${Date.now().toString(36)}`;
    const work = `${REPO}/${rel}`;
    const cluster = await startSlurm();
    let jobLogs = "";
    let local: Promise<Ran> | undefined;
    try {
      await Deno.mkdir(work, { recursive: true });
      // Nothing listens beyond localhost: every socket of munged, slurmctld and slurmd.
      const sockets = await socketsOf(cluster.pids);
      assert.ok(
        sockets.filter((s) => s.proto === "tcp").length >= 2,
        `expected slurmctld + slurmd listening`,
      );
      for (const s of sockets) {
        assert.ok(loopback(s.address), `a Slurm daemon listens on ${s.address}:${s.port}/${s.proto}`);
      }

      const emitted = await mustRun(DENO, [
        "task",
        "bench",
        ...SWEEP.filter((_, i) => SWEEP[i] !== "--workers" && SWEEP[i - 1] !== "--workers"),
        "--emit",
        "slurm",
        "--shards",
        "2",
        // The default resources (1 CPU, 2G per CPU; merge 1 CPU, 1G) must fit a small node.
        "--emit-opt",
        "time=00:10:00",
        "--out",
        `${rel}/cluster`,
      ]);
      assert.match(emitted, /submit\.sh/);
      const slurmDir = `${work}/cluster/slurm`;
      const sbatch = await Deno.readTextFile(`${slurmDir}/shards.sbatch`);
      assert.match(sbatch, /^#SBATCH --array=0-1$/m);
      // Shards run as many workers as CPUs Slurm grants them (the emitted default).
      assert.match(sbatch, / --workers "\$\{SLURM_CPUS_PER_TASK:-1\}" /);

      const submitted = await mustRun("bash", [`${slurmDir}/submit.sh`], cluster.env);
      const ids = /submitted shards (\d+) and merge (\d+)/.exec(submitted);
      assert.ok(ids, `submit.sh said: ${submitted}`);
      const [array, merge] = [ids[1], ids[2]];
      // The merge waits on the whole array (it is still running: a shard takes seconds).
      const dependency = (await mustRun("squeue", ["-h", "-j", merge, "-o", "%E"], cluster.env)).trim();
      assert.match(
        dependency,
        new RegExp(`^after(any|ok):${array}(_\\*)?`),
        `merge dependency: ${dependency}`,
      );

      // The local reference run, while the cluster works.
      local = run(DENO, ["task", "bench", ...SWEEP, "--no-report", "--out", `${rel}/local`]);

      await waitFor(cluster.env, [array, merge]);
      jobLogs = await logsOf(slurmDir);
      const states = [...await jobStates(cluster.env, array), ...await jobStates(cluster.env, merge)];
      assert.equal(states.length, 3, `two shard tasks and one merge: ${states.join("; ")}`);
      for (const s of states) assert.match(s, / COMPLETED 0:0$/, `job ${s}\n${jobLogs}`);
      // One log per array task, and the merge's named by its job id.
      const logs = [...Deno.readDirSync(slurmDir)].map((e) => e.name).filter((n) => n.endsWith(".log"))
        .sort();
      assert.deepEqual(logs, [
        `amcl-merge-${merge}.log`,
        `amcl-shards-${array}_0.log`,
        `amcl-shards-${array}_1.log`,
      ]);

      const localRun = await local;
      assert.equal(localRun.code, 0, `local run failed:\n${localRun.stderr}`);
      const manifest = JSON.parse(await Deno.readTextFile(`${work}/cluster/manifest.json`));
      const [mine, theirs] = [await readCells(`${work}/cluster`), await readCells(`${work}/local`)];
      assert.deepEqual(
        [...mine.keys()].sort(),
        [...manifest.cells].sort(),
        "cluster cells = the sweep's cells",
      );
      assert.deepEqual(
        [...theirs.keys()].sort(),
        [...manifest.cells].sort(),
        "local cells = the sweep's cells",
      );
      for (const [id, r] of mine) {
        assert.equal(r.status, "done", `cell ${id} ${r.status}: ${r.error ?? ""}`);
        assert.deepEqual(
          reproducible(r),
          reproducible(theirs.get(id)!),
          `cell ${id} differs from the local run`,
        );
      }
      // Each shard ran its half and left its marker; the merge wrote the table of all cells.
      for (const i of [0, 1]) await Deno.stat(`${work}/cluster/shards/${i}-of-2.json`);
      const csv = Papa.parse<Record<string, string>>(await Deno.readTextFile(`${work}/cluster/results.csv`), {
        header: true,
        skipEmptyLines: true,
      });
      assert.deepEqual(
        csv.data.map((row: Record<string, string>) => row.id).sort(),
        [...manifest.cells].sort(),
      );
      assert.ok(csv.data.every((row: Record<string, string>) => row.status === "done"));

      // A failed shard, resubmitted alone (as submit.sh says), then the merge again.
      const lost = shardCells<string>(manifest.cells, { index: 1, count: 2 });
      const kept = shardCells<string>(manifest.cells, { index: 0, count: 2 });
      for (const id of lost) await Deno.remove(`${work}/cluster/cells/${id}.json`);
      await Deno.remove(`${work}/cluster/shards/1-of-2.json`);
      const keptTimes = await Promise.all(
        kept.map(async (id) => (await Deno.stat(`${work}/cluster/cells/${id}.json`)).mtime),
      );
      const again =
        (await mustRun("sbatch", ["--parsable", "--array=1", `${slurmDir}/shards.sbatch`], cluster.env))
          .trim().split(";")[0];
      const merge2 = (await mustRun(
        "sbatch",
        ["--parsable", `--dependency=afterany:${again}`, `${slurmDir}/merge.sbatch`],
        cluster.env,
      )).trim().split(";")[0];
      await waitFor(cluster.env, [again, merge2]);
      jobLogs = await logsOf(slurmDir);
      const states2 = [...await jobStates(cluster.env, again), ...await jobStates(cluster.env, merge2)];
      assert.equal(states2.length, 2, `one shard task and one merge: ${states2.join("; ")}`);
      for (const s of states2) assert.match(s, / COMPLETED 0:0$/, `job ${s}\n${jobLogs}`);
      assert.ok(states2[0].includes("/1 "), `only array task 1 ran: ${states2[0]}`);
      const redone = await readCells(`${work}/cluster`);
      for (const id of lost) assert.deepEqual(reproducible(redone.get(id)!), reproducible(theirs.get(id)!));
      for (const [k, id] of kept.entries()) {
        assert.deepEqual(
          (await Deno.stat(`${work}/cluster/cells/${id}.json`)).mtime,
          keptTimes[k],
          `${id} rewritten`,
        );
      }
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : e}\n${cluster.logs()}\n${jobLogs}`, { cause: e });
    } finally {
      await cluster.stop();
      await local; // run() never rejects
      for (const pid of cluster.pids) assert.ok(!alive(pid), `daemon ${pid} still running after teardown`);
      await assert.rejects(Deno.stat(cluster.state), "state folder removed");
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});
