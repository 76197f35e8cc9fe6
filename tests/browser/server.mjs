// Starts a real newsline server on a free port with the demo site and three accounts.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const binary = process.env.BROWSER_TEST_BINARY || join(root, "target", "debug", "newsline");
export const PASSWORD = "a long enough password";

function cleanEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) { if (key.startsWith("NEWSLINE_")) { delete env[key]; } }
  env.NEWSLINE_LOG = "warn";
  return env;
}

export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), "newsline-browser-"));
  for (const [name, role] of [["chief", "admin"], ["editor", "editor"], ["reporter", "reporter"]]) {
    const done = spawnSync(binary, ["--data-dir", dir, "user", "add", "--role", role, "--display-name", `${name} name`, name], {
      input: PASSWORD + "\n", env: cleanEnv(),
    });
    if (done.status !== 0) { throw new Error(`user add failed: ${done.stderr}`); }
  }
  const child = spawn(binary, ["--data-dir", dir, "serve", "--demo", "--address", "127.0.0.1:0"], {
    env: cleanEnv(), stdio: ["ignore", "ignore", "pipe"],
  });
  const lines = createInterface({ input: child.stderr });
  const address = await new Promise((resolve, reject) => {
    lines.on("line", (line) => {
      const match = line.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (match) { resolve(match[0]); }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    address,
    stop() { child.kill("SIGKILL"); rmSync(dir, { recursive: true, force: true }); },
  };
}
