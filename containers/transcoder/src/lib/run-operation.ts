/**
 * The lifecycle every operation shares, so an operation module holds only its own work (`run`):
 *
 *   validate the JSON body against the protocol's request schema (400 with the protocol's error)
 *   → open the NDJSON stream → create the operation's work dir → start its egress proxy
 *   → run, under one signal that fires on timeout, server shutdown or client disconnect
 *   → stop the signal, close the proxy, remove the work dir → exactly one `done` or `error` line.
 *
 * Clean-up comes before the terminal line: when the Worker reads `done`, nothing of the operation is
 * left running or on disk.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type OperationResult,
  type ParsedOperationRequest,
  TRANSCODER_OPERATIONS,
  type TranscoderError,
  type TranscoderOperation,
} from "../../../../protocol/transcoder.ts";
import type { AppContext } from "../app-context.ts";
import type { Config } from "../config.ts";
import { type EgressProxy, startEgressProxy } from "./egress-proxy.ts";
import { readJsonBody, sendJson, validationError } from "./http-json.ts";
import { type NdjsonStream, openNdjson } from "./ndjson.ts";
import type { GuardPolicy } from "./net-guard.ts";
import { type AbortReason, startOperationSignal } from "./operation-signal.ts";
import { type Result, fail } from "./result.ts";
import { type WorkDir, createWorkDir } from "./work-dir.ts";

/** What an operation's `run` gets: its validated request and everything the scaffold set up for it. */
export type OperationContext<Op extends TranscoderOperation> = {
  request: ParsedOperationRequest<Op>;
  app: AppContext;
  config: Config;
  stream: NdjsonStream;
  /** The network guard's policy; the egress proxy enforces the same one. */
  policy: GuardPolicy;
  /** Fires on timeout, shutdown or client disconnect; pass it to every child and request. */
  signal: AbortSignal;
  /** The operation's private scratch directory, removed when it ends. */
  dir: string;
  /** The operation's egress proxy, for yt-dlp `--proxy` and ffmpeg `-http_proxy`. */
  proxyUrl: string;
  /** Epoch milliseconds at which the operation's timeout fires. */
  deadline: number;
};

export type OperationDefinition<Op extends TranscoderOperation> = {
  name: Op;
  /** The whole operation's budget; past it the operation fails with a retryable `timeout`. */
  timeoutMs(config: Config): number;
  /** Names the work dir and log lines (e.g. the task id); the operation's name when absent. */
  label?(request: ParsedOperationRequest<Op>): string;
  /** The work itself. Expected failures are returned as values; a throw is reported as `internal`. */
  run(ctx: OperationContext<Op>): Promise<Result<OperationResult<Op>>>;
};

/** Keeps `Op` tied to the name, so `run` is typed by the protocol table's row for that name. */
export const defineOperation = <Op extends TranscoderOperation>(definition: OperationDefinition<Op>): OperationDefinition<Op> => definition;

type ProxyFindings = Pick<EgressProxy, "refusal" | "unreachable">;

/** Failures that are how an unreachable host looks from inside yt-dlp or ffprobe (a proxy 502, an odd exit). */
const looksLikeUnreachable = (error: TranscoderError): boolean =>
  error.retryable && (error.code === "source.unavailable" || error.code === "internal" || error.code === "timeout");

/**
 * The error to report. Why the operation was stopped (timeout, shutdown) comes first; then a guard
 * refusal anywhere, which explains a failure better than its symptom; then a host the proxy could not
 * reach, when the reported failure is only the symptom of that. A definitive answer from the source
 * (a 404, a private post) is never replaced: those are not retryable.
 */
export const finalError = (error: TranscoderError, proxy: ProxyFindings | undefined, stoppedBy: AbortReason | undefined): TranscoderError => {
  if (stoppedBy === "timeout") return { code: "timeout", message: "the operation ran out of time", retryable: true };
  if (stoppedBy === "shutdown") return { code: "internal", message: "the transcoder is shutting down", retryable: true };
  const refusal = proxy?.refusal();
  if (refusal) return refusal;
  const unreachable = proxy?.unreachable();
  if (unreachable && looksLikeUnreachable(error)) return unreachable;
  return error;
};

export const runOperation = async <Op extends TranscoderOperation>(
  app: AppContext,
  definition: OperationDefinition<Op>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> => {
  const body = await readJsonBody(req);
  if (!body.ok) return sendJson(res, 400, { error: body.error });
  const parsed = TRANSCODER_OPERATIONS[definition.name].request.safeParse(body.value);
  if (!parsed.success) return sendJson(res, 400, { error: validationError(parsed.error) });
  const request = parsed.data as ParsedOperationRequest<Op>;
  const label = definition.label?.(request) ?? definition.name;

  const timeoutMs = definition.timeoutMs(app.config);
  const op = startOperationSignal(res, app.shutdown, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  const stream = openNdjson(res);
  const policy: GuardPolicy = { allowedOrigins: app.config.allowedOrigins, ...(app.lookup ? { lookup: app.lookup } : {}) };
  let work: WorkDir | undefined;
  let proxy: EgressProxy | undefined;
  let outcome: Result<OperationResult<Op>>;
  try {
    work = await createWorkDir(app.config.workDir, label);
    proxy = await startEgressProxy(policy);
    outcome = await definition.run({
      request,
      app,
      config: app.config,
      stream,
      policy,
      signal: op.signal,
      dir: work.path,
      proxyUrl: proxy.url,
      deadline,
    });
  } catch (err) {
    app.log(`${definition.name} ${label} failed: ${(err as Error).stack ?? String(err)}`);
    outcome = fail("internal", `internal error: ${(err as Error).message}`);
  }
  op.dispose();
  await proxy?.close();
  await work?.remove().catch((err: unknown) => app.log(`cannot remove ${work?.path}: ${String(err)}`));
  if (outcome.ok) stream.done(outcome.value);
  else stream.error(finalError(outcome.error, proxy, op.reason()));
  if (!res.writableEnded) res.end();
};
