/**
 * A minimal Chrome DevTools Protocol client for the reports' browser test: starts Debian's
 * headless Chromium on 127.0.0.1 with a fresh profile, opens a page, collects console
 * errors and exceptions, evaluates expressions and takes screenshots.
 *
 * @module
 */

/** Where Debian installs Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** A started browser with one page. */
export interface Browser {
  /** Console errors, uncaught exceptions and error log entries seen so far. */
  errors: string[];
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Waits for the next event of that name. */
  once(method: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  evaluate<T>(expression: string): Promise<T>;
  /**
   * Resolves once the page has rendered a frame and run the tasks queued before it; every
   * console message and exception of that work has then arrived (the protocol delivers
   * events in order, ahead of this reply).
   */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** Waits for `path` to hold a whole line, reading it on each file-system event of its folder. */
async function waitForFile(path: string, ms: number): Promise<string> {
  const watcher = Deno.watchFs(path.slice(0, path.lastIndexOf("/")), { recursive: false });
  const guard = setTimeout(() => watcher.close(), ms);
  const read = () => Deno.readTextFile(path).then((t) => t.includes("\n") ? t : null, () => null);
  try {
    const now = await read();
    if (now) return now;
    for await (const _ of watcher) {
      const t = await read();
      if (t) return t;
    }
  } finally {
    clearTimeout(guard);
    try {
      watcher.close();
    } catch { /* closed by the guard */ }
  }
  throw new Error(`chromium did not start (no ${path} after ${ms} ms)`);
}

/** Starts headless Chromium; throws with the apt-get hint when it is not installed. */
export async function launch(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(`${CHROMIUM} not found: install it with \`apt-get install chromium\` (CI installs it)`);
  }
  const profile = await Deno.makeTempDir({ prefix: "amcl-chromium-" });
  const proc = new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "--window-size=1400,2000",
      "about:blank",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const [port] = (await waitForFile(`${profile}/DevToolsActivePort`, 30_000)).split("\n");
  const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as Array<
    { type: string; webSocketDebuggerUrl: string }
  >;
  const page = list.find((t) => t.type === "page");
  if (!page) throw new Error("chromium has no page target");
  const ws = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((res, rej) => {
    ws.onopen = res;
    ws.onerror = rej;
  });
  let id = 0;
  const pending = new Map<number, { res: (v: Record<string, unknown>) => void; rej: (e: Error) => void }>();
  const waiters = new Map<string, Array<(v: Record<string, unknown>) => void>>();
  const errors: string[] = [];
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.rej(new Error(`${msg.error.message}`));
      else p?.res(msg.result ?? {});
      return;
    }
    const params = msg.params ?? {};
    if (msg.method === "Runtime.consoleAPICalled" && (params.type === "error" || params.type === "assert")) {
      errors.push(
        `console.${params.type}: ${JSON.stringify(params.args?.map((a: { value?: unknown }) => a.value))}`,
      );
    }
    if (msg.method === "Runtime.exceptionThrown") {
      errors.push(
        `exception: ${params.exceptionDetails?.exception?.description ?? params.exceptionDetails?.text}`,
      );
    }
    if (msg.method === "Log.entryAdded" && params.entry?.level === "error") {
      errors.push(`log: ${params.entry.text} ${params.entry.url ?? ""}`);
    }
    const ws_ = waiters.get(msg.method);
    if (ws_?.length) {
      waiters.set(msg.method, []);
      for (const w of ws_) w(params);
    }
  };
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((res, rej) => {
      const n = ++id;
      pending.set(n, { res, rej });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  const once = (method: string, timeoutMs = 30_000) =>
    new Promise<Record<string, unknown>>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`timeout waiting for ${method}`)), timeoutMs);
      const list = waiters.get(method) ?? [];
      list.push((v) => {
        clearTimeout(t);
        res(v);
      });
      waiters.set(method, list);
    });
  return {
    errors,
    send,
    once,
    async evaluate<T>(expression: string): Promise<T> {
      const r = await send("Runtime.evaluate", { expression, returnByValue: true });
      if (r.exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(r.exceptionDetails)}`);
      return (r.result as { value: T }).value;
    },
    async settle() {
      await send("Runtime.evaluate", {
        expression: "new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))",
        awaitPromise: true,
      });
    },
    async close() {
      ws.close();
      try {
        proc.kill("SIGTERM");
      } catch { /* already gone */ }
      await proc.status;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
