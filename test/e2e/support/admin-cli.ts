/** Runs the operator command (scripts/admin.mjs) against the e2e stack's local D1, as an operator would. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { repoRoot } from "../../support/processes";
import { stack } from "./client";

const run = promisify(execFile);

export async function adminCli(args: string[], env: Record<string, string> = {}, persistDir = stack().persistDir): Promise<string> {
  const { stdout } = await run(process.execPath, ["scripts/admin.mjs", ...args, `--persist-to=${persistDir}`], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
  });
  return stdout;
}
