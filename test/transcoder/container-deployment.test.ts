/**
 * wrangler.toml and the Worker must agree on how many transcoder containers exist: the Worker spreads
 * tasks over TRANSCODER_INSTANCES instance names, and Cloudflare starts at most `max_instances`. Read
 * with wrangler's own config reader, so the check sees what `wrangler deploy` sees.
 */
import path from "node:path";
import { experimental_readRawConfig } from "wrangler";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TRANSCODER_INSTANCES } from "../../worker/media/transcoder-instances.ts";

const root = path.join(import.meta.dirname, "../..");

// wrangler ships this reader without types: the part the test reads is checked here instead.
const containersSchema = z.looseObject({
  containers: z.array(z.looseObject({ class_name: z.string(), max_instances: z.number().int().optional() })).default([]),
});

describe("container deployment (wrangler.toml)", () => {
  it("should allow exactly as many TranscoderContainer instances as the Worker spreads tasks over", () => {
    const { rawConfig } = experimental_readRawConfig({ config: path.join(root, "wrangler.toml") });
    const container = containersSchema.parse(rawConfig).containers.find((c) => c.class_name === "TranscoderContainer");
    expect(container).toBeDefined();
    expect(container?.max_instances).toBe(TRANSCODER_INSTANCES);
  });
});
