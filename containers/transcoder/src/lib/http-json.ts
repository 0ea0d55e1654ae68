/**
 * JSON in and out for the transcoder's HTTP API. Request bodies are small (a FetchRequest is a few
 * hundred bytes), so they are capped hard; validation errors use the protocol's error shape.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import type { TranscoderError } from "../../../../protocol/transcoder.ts";
import { type Result, fail, ok } from "./result.ts";

const MAX_BODY_BYTES = 64 * 1024;

export const readJsonBody = async (req: IncomingMessage): Promise<Result<unknown>> => {
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type)) return fail("input.invalid", "Content-Type must be application/json", false);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return fail("input.invalid", `request body over ${MAX_BODY_BYTES} bytes`, false);
    chunks.push(chunk as Buffer);
  }
  try {
    return ok(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  } catch {
    return fail("input.invalid", "request body is not valid JSON", false);
  }
};

export const validationError = (error: z.ZodError): TranscoderError => ({
  code: "input.invalid",
  message: error.issues
    .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
    .join("; ")
    .slice(0, 2000),
  retryable: false,
});

export const sendJson = (res: ServerResponse, status: number, value: unknown): void => {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": body.length, "Cache-Control": "no-store" });
  res.end(body);
};
