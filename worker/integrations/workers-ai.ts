/**
 * Workers AI over its REST API (https://developers.cloudflare.com/workers-ai/): `POST
 * {base}/accounts/{account}/ai/run/{model}` with a Bearer token, answered by Cloudflare's envelope
 * `{result, success, errors, messages}`. Fetch only, so it runs in workerd; the base URL is configurable
 * (tests point it at a local fake). Used by the studio for frame captions (an image-to-text model) and a
 * suggested title (a text-generation model); callers treat every error as "no AI today".
 *
 * @example
 * const ai = workersAiFromEnv(env);
 * if (ai) {
 *   const caption = await captionImage(ai, jpegBytes);
 *   const title = await suggestTitle(ai, [caption]);
 * }
 */
import { z } from "zod";

export const WORKERS_AI_BASE_URL = "https://api.cloudflare.com/client/v4";
/** Image-to-text: `{image: number[], prompt, max_tokens}` → `{description}`. */
export const CAPTION_MODEL = "@cf/llava-hf/llava-1.5-7b-hf";
/** Text generation: `{messages, max_tokens}` → `{response}`. */
export const TITLE_MODEL = "@cf/meta/llama-3.1-8b-instruct";
/** One model call; a slow model must not hold a script request for long. */
export const WORKERS_AI_TIMEOUT_MS = 20_000;

export interface WorkersAiConfig {
  baseUrl: string;
  accountId: string;
  apiToken: string;
  timeoutMs: number;
}

export interface WorkersAiEnv {
  WORKERS_AI_BASE_URL?: string;
  WORKERS_AI_ACCOUNT_ID?: string;
  WORKERS_AI_API_TOKEN?: string;
}

const trimmed = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/** The configuration, or undefined when the account id or token is missing (AI off). */
export function workersAiFromEnv(env: WorkersAiEnv, timeoutMs = WORKERS_AI_TIMEOUT_MS): WorkersAiConfig | undefined {
  const accountId = trimmed(env.WORKERS_AI_ACCOUNT_ID);
  const apiToken = trimmed(env.WORKERS_AI_API_TOKEN);
  if (!accountId || !apiToken) return undefined;
  const baseUrl = (trimmed(env.WORKERS_AI_BASE_URL) ?? WORKERS_AI_BASE_URL).replace(/\/+$/, "");
  return { baseUrl, accountId, apiToken, timeoutMs };
}

export class WorkersAiError extends Error {
  /** HTTP status; 0 when no answer arrived (network failure, timeout). */
  readonly status: number;
  /** `http`, `network`, `timeout`, `envelope` (success false or not the envelope), `output` (result not the model's shape). */
  readonly reason: "http" | "network" | "timeout" | "envelope" | "output";

  constructor(model: string, status: number, reason: WorkersAiError["reason"], message: string) {
    super(`Workers AI ${model}: ${message}`);
    this.name = "WorkersAiError";
    this.status = status;
    this.reason = reason;
  }
}

const envelopeSchema = z.object({
  success: z.boolean(),
  result: z.unknown().optional(),
  errors: z.array(z.object({ code: z.number().optional(), message: z.string() })).default([]),
});

/** Runs a model and returns its `result`, checked against `output`. */
export async function runModel<T>(config: WorkersAiConfig, model: string, input: unknown, output: z.ZodType<T>): Promise<T> {
  const url = `${config.baseUrl}/accounts/${encodeURIComponent(config.accountId)}/ai/run/${model}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${config.apiToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    throw new WorkersAiError(model, 0, timedOut ? "timeout" : "network", timedOut ? `no answer within ${config.timeoutMs} ms` : String(err));
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new WorkersAiError(model, res.status, res.ok ? "envelope" : "http", `HTTP ${res.status}, not JSON`);
  }
  const envelope = envelopeSchema.safeParse(body);
  const firstError = envelope.success ? envelope.data.errors[0]?.message : undefined;
  if (!res.ok) throw new WorkersAiError(model, res.status, "http", `HTTP ${res.status}${firstError ? `: ${firstError}` : ""}`);
  if (!envelope.success || !envelope.data.success) throw new WorkersAiError(model, res.status, "envelope", firstError ?? "the answer is not a successful envelope");
  const result = output.safeParse(envelope.data.result);
  if (!result.success) throw new WorkersAiError(model, res.status, "output", "the result is not the model's output shape");
  return result.data;
}

const captionOutput = z.object({ description: z.string() });
const textOutput = z.object({ response: z.string() });

/** One sentence describing a JPEG/PNG frame. */
export async function captionImage(config: WorkersAiConfig, image: Uint8Array): Promise<string> {
  const out = await runModel(
    config,
    CAPTION_MODEL,
    { image: Array.from(image), prompt: "Describe this video frame in one short sentence.", max_tokens: 60 },
    captionOutput,
  );
  return out.description.trim();
}

/** A short title for a video from its frames' captions; quotes and a trailing period are dropped. */
export async function suggestTitle(config: WorkersAiConfig, captions: readonly string[]): Promise<string> {
  const out = await runModel(
    config,
    TITLE_MODEL,
    {
      messages: [
        { role: "system", content: "You write short, catchy titles for vertical social videos. Answer with the title only, at most 8 words." },
        { role: "user", content: `Frames of the video, in order:\n${captions.map((c, i) => `${i + 1}. ${c}`).join("\n")}` },
      ],
      max_tokens: 30,
    },
    textOutput,
  );
  return out.response
    .trim()
    .replace(/^["'“”]+|["'“”]+$/g, "")
    .replace(/\.$/, "")
    .trim();
}
