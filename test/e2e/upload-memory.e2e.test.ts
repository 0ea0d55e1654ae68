/**
 * The streaming claim, measured inside a real `wrangler dev` (see support/upload-memory.ts for the method):
 * 1 GiB sent as one multipart file part goes through `readMultipart` (busboy → upload guard → R2 multipart
 * upload) and arrives intact, while workerd grows by less than 64 MB on the warm process. A path that
 * buffered the file would need the whole gigabyte on top.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EntryWorker } from "./support/worker-entry";
import { describeRun, GiB, MB, measureUploadMemory, startUploadProbe } from "./support/upload-memory";

const MAX_GROWTH = 64 * MB;
let worker: EntryWorker;

beforeAll(async () => {
  worker = await startUploadProbe();
}, 180_000);

afterAll(async () => {
  await worker?.stop();
});

describe("streaming upload into R2", () => {
  it("should store a 1 GiB file part intact while workerd grows by less than 64 MB", async () => {
    const run = await measureUploadMemory(worker);
    console.log(describeRun(run, MAX_GROWTH));
    expect(run.cold.result.status).toBe(200);
    expect(run.upload.result.status, `${run.upload.result.text}\n--- wrangler output ---\n${run.workerOutput().slice(-3000)}`).toBe(200);
    const stored = JSON.parse(run.upload.result.text) as { title: string[]; size: number; storedSize: number };
    expect(stored).toMatchObject({ title: ["one gibibyte"], size: GiB, storedSize: GiB });
    expect(run.storedSha256).toBe(run.sentSha256);
    expect(run.upload.peak).toBeLessThan(MAX_GROWTH);
  }, 300_000);
});
