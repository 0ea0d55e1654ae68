/**
 * POST /v1/probe: ffprobe a URL (a signed URL to an R2 object, served by the Worker) and answer with a
 * ProbeResult as plain JSON. Errors answer `{ error: TranscoderError }` with a status that matches.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { probeRequestSchema, type TranscoderError, type TranscoderErrorCode } from "../../../../protocol/transcoder.ts";
import type { AppContext } from "../app-context.ts";
import { startEgressProxy } from "../lib/egress-proxy.ts";
import { ffprobe } from "../lib/ffprobe.ts";
import { readJsonBody, sendJson, validationError } from "../lib/http-json.ts";
import { checkUrl } from "../lib/net-guard.ts";
import { startOperationSignal } from "../lib/operation-signal.ts";

const STATUS_BY_CODE: Partial<Record<TranscoderErrorCode, number>> = {
  "input.invalid": 422,
  "source.blocked": 403,
  "source.private": 403,
  "source.unavailable": 404,
  "source.too_large": 413,
  timeout: 504,
};

const statusFor = (error: TranscoderError): number =>
  error.code === "source.unavailable" && error.retryable ? 502 : (STATUS_BY_CODE[error.code] ?? 500);

export const handleProbe = async (app: AppContext, req: IncomingMessage, res: ServerResponse): Promise<void> => {
  const body = await readJsonBody(req);
  if (!body.ok) return sendJson(res, 400, { error: body.error });
  const parsed = probeRequestSchema.safeParse(body.value);
  if (!parsed.success) return sendJson(res, 400, { error: validationError(parsed.error) });

  const policy = { allowedOrigins: app.config.allowedOrigins, ...(app.lookup ? { lookup: app.lookup } : {}) };
  const verdict = await checkUrl(parsed.data.url, policy);
  if (!verdict.ok) return sendJson(res, statusFor(verdict.error), { error: verdict.error });

  const op = startOperationSignal(res, app.shutdown, app.config.probeTimeoutMs);
  const proxy = await startEgressProxy(policy);
  try {
    const result = await ffprobe(
      { kind: "url", url: verdict.url.toString(), proxyUrl: proxy.url },
      { ffprobePath: app.config.ffprobePath, signal: op.signal, timeoutMs: app.config.probeTimeoutMs },
    );
    if (result.ok) return sendJson(res, 200, result.value);
    const error = proxy.refusal() ?? result.error;
    return sendJson(res, statusFor(error), { error });
  } finally {
    op.dispose();
    await proxy.close();
  }
};
