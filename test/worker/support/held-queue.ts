/**
 * The Worker's env with its task wake-ups sent to a real queue that nothing consumes (TASKS_HELD, declared in
 * vitest.config.ts only), for tests that read rows the real consumer would otherwise claim at once (the
 * tasks queue delivers without a batch delay).
 */
import { env } from "cloudflare:workers";

const held = (env as unknown as { TASKS_HELD?: Env["TASKS"] }).TASKS_HELD;
if (!held) throw new Error("the TASKS_HELD queue binding is missing from vitest.config.ts");
export const heldEnv: Env = { ...env, TASKS: held };
