/**
 * The transcoder's HTTP server in this process (as bench/hls/run.ts runs it), a clip server standing in for
 * the Worker's signed source URLs and a receiver for the uploads: a studio operation end to end over
 * loopback — download, probe, ffmpeg, upload — without the Worker.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { z } from "zod";
import { PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER, TRANSCODER_OPERATIONS, type OperationRequest, progressEventSchema } from "../../protocol/transcoder.ts";
import { loadConfig } from "../../containers/transcoder/src/config.ts";
import { startTranscoderServer } from "../../containers/transcoder/src/server.ts";
import { startClipServer } from "../../test/transcoder/helpers/clip-server.ts";
import { type ReceivedUpload, startReceiver } from "../../test/transcoder/helpers/receiver.ts";

type StudioOp = "analyze" | "edit" | "compress";
type Body<Op extends StudioOp> = Omit<OperationRequest<Op>, "taskId" | "source" | "output">;

export type OperationRun<Op extends StudioOp> = { result: z.output<(typeof TRANSCODER_OPERATIONS)[Op]["result"]>; uploads: ReceivedUpload[] };

export type OpsHarness = {
  /** Runs `op` on `clip` (a file in the served dir) and parses its `done` result; an `error` line throws. */
  run<Op extends StudioOp>(op: Op, clip: string, body: Body<Op>): Promise<OperationRun<Op>>;
  close(): Promise<void>;
};

export const startOpsHarness = async (clipDir: string): Promise<OpsHarness> => {
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-studio-ops-"));
  const clips = await startClipServer(clipDir);
  const receiver = await startReceiver();
  const transcoder = await startTranscoderServer(
    loadConfig({ PORT: "0", HOST: "127.0.0.1", WORK_DIR: work, TRANSCODER_TEST_MODE: "1", TRANSCODER_ALLOWED_ORIGINS: clips.origin }),
    { log: () => {} },
  );
  let sequence = 0;
  return {
    async run(op, clip, body) {
      const id = `bench-${op}-${++sequence}`;
      const res = await fetch(`${transcoder.url}${TRANSCODER_OPERATIONS[op].path}`, {
        method: "POST",
        headers: { "content-type": "application/json", [PROTOCOL_VERSION_HEADER]: PROTOCOL_VERSION },
        body: JSON.stringify({ ...body, taskId: id, source: clips.url(clip), output: { uploadUrl: `${receiver.origin}/${id}`, maxBytes: 1024 ** 3 } }),
      });
      if (res.status !== 200) throw new Error(`${op} answered ${res.status}: ${await res.text()}`);
      const last = (await res.text()).trim().split("\n").map((l) => progressEventSchema.parse(JSON.parse(l))).at(-1);
      if (last?.type !== "done") throw new Error(`${op} did not finish: ${JSON.stringify(last)}`);
      return { result: TRANSCODER_OPERATIONS[op].result.parse(last.result), uploads: receiver.uploads(`/${id}`) } as OperationRun<typeof op>;
    },
    async close() {
      await transcoder.close();
      await Promise.all([clips.close(), receiver.close()]);
      await rm(work, { recursive: true, force: true });
    },
  };
};
