/**
 * A 1 GB multipart upload through the running Worker (`npm run bench:upload`): peak RSS growth of the
 * workerd process while 1 GiB streams through `readMultipart` into R2, beside the same bytes written by
 * the store alone in the same run (goal for the upload: < 64 MB). Method and caveats (local R2 runs inside
 * workerd) in test/e2e/support/upload-memory.ts; the e2e test judges one run, this prints `ROUNDS`.
 */
import { describeRun, MB, measureUploadMemory, startUploadProbe } from "../../test/e2e/support/upload-memory.ts";

const ROUNDS = 2;
const worker = await startUploadProbe();
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const run = await measureUploadMemory(worker);
    if (run.upload.result.status !== 200 || run.storedSha256 !== run.sentSha256) throw new Error(`round ${round}: upload failed: ${run.upload.result.text}`);
    console.log(`round ${round}: ${describeRun(run, 64 * MB)}`);
    console.log(`round ${round}: upload growth / store-alone warm growth = ${(run.upload.peak / Math.max(1, run.warm.peak)).toFixed(2)}`);
  }
} finally {
  await worker.stop();
}
