// Shared helpers for the project scripts: run commands, check and install system packages.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export function log(msg) {
  process.stdout.write(`[media-platform] ${msg}\n`);
}

export function has(cmd, args = ["--version"]) {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  return r.status === 0;
}

/** Run a command, inheriting stdio; resolves with its exit code. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: "inherit", ...opts });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export async function runOrFail(cmd, args, opts = {}) {
  const code = await run(cmd, args, opts);
  if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${code}`);
}

/** Whether a need is met: its file exists (data packages, e.g. fonts), or its command runs. */
const met = (need) => (need.file ? existsSync(need.file) : has(need.command, need.args ?? ["--version"]));

/**
 * Install Debian packages when the commands (or files) they provide are missing. Uses apt-get directly as root, or
 * `sudo -n` when that works without a password; otherwise explains what to install and fails.
 */
export async function ensureDebianPackages(needs) {
  const missing = needs.filter((n) => !met(n));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((n) => n.package))];
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const prefix = isRoot ? [] : has("sudo", ["-n", "true"]) ? ["sudo", "-n"] : null;
  if (!has("apt-get", ["--version"]) || prefix === null) {
    throw new Error(
      `Missing system packages: ${packages.join(", ")}. Install them (Debian/Ubuntu: apt-get install ${packages.join(" ")}) ` +
        "and run this command again.",
    );
  }
  log(`installing ${packages.join(", ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const [cmd, ...pre] = prefix.length ? prefix : ["apt-get"];
  const args = prefix.length ? [...pre, "apt-get"] : [];
  await runOrFail(cmd, [...args, "update", "-qq"], { env });
  await runOrFail(cmd, [...args, "install", "-y", "-qq", "--no-install-recommends", ...packages], { env });
  const still = missing.filter((n) => !met(n));
  if (still.length) throw new Error(`apt-get finished but ${still.map((n) => n.command ?? n.file).join(", ")} still not found`);
}
