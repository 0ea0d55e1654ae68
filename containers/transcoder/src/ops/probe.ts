/**
 * The `probe` operation (POST /v1/probe): ffprobe a URL (a signed URL to an R2 object, served by the
 * Worker) through the operation's egress proxy and end with its ProbeResult. ffprobe reads only what
 * it needs (the head of the file, by Range), so a probe of a large object stays small.
 */
import type { ProbeResult } from "../../../../protocol/transcoder.ts";
import { ffprobe } from "../lib/ffprobe.ts";
import { checkUrl } from "../lib/net-guard.ts";
import type { Result } from "../lib/result.ts";
import { type OperationContext, defineOperation } from "../lib/run-operation.ts";

const run = async ({ request, config, policy, proxyUrl, signal }: OperationContext<"probe">): Promise<Result<ProbeResult>> => {
  const verdict = await checkUrl(request.url, policy);
  if (!verdict.ok) return verdict;
  return ffprobe(
    { kind: "url", url: verdict.url.toString(), proxyUrl },
    { ffprobePath: config.ffprobePath, signal, timeoutMs: config.probeTimeoutMs },
  );
};

export const probeOperation = defineOperation({
  name: "probe",
  timeoutMs: (config) => config.probeTimeoutMs,
  run,
});
