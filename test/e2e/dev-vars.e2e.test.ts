/**
 * `npm start` must hand the Worker every setting it writes to .dev.vars. `wrangler dev` reads from that
 * file only the names wrangler.toml declares ([vars], or [secrets] required) and drops the rest without a
 * word — a TRANSCODER_TOKEN dropped that way made every local download fail with the transcoder's 401.
 * Read with wrangler's own config reader, so the check sees what `wrangler dev` sees.
 */
import path from "node:path";
import { experimental_readRawConfig } from "wrangler";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { devVars } from "../../scripts/lib/dev-vars.mjs";

const root = path.join(import.meta.dirname, "../..");

// wrangler ships this reader without types: the part the test reads is checked here instead.
const declaredSchema = z.looseObject({
  vars: z.record(z.string(), z.unknown()).default({}),
  secrets: z.looseObject({ required: z.array(z.string()).default([]) }).optional(),
});

describe("local settings (.dev.vars)", () => {
  it("should write only names wrangler.toml declares, so wrangler dev loads every one", () => {
    const { rawConfig } = experimental_readRawConfig({ config: path.join(root, "wrangler.toml") });
    const config = declaredSchema.parse(rawConfig);
    const declared = new Set([...Object.keys(config.vars), ...(config.secrets?.required ?? [])]);
    const undeclared = Object.keys(devVars()).filter((name) => !declared.has(name));
    expect(undeclared).toEqual([]);
    expect(Object.keys(devVars())).toContain("TRANSCODER_TOKEN");
  });
});
