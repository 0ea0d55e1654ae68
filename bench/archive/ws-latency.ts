/**
 * Latency from a video's status change to the WebSocket message, while a job archives 100 fixture videos
 * (`archive.bulk`) and one client watches `/ws/jobs/{id}`. Goal: p50 ≤ 50 ms, p99 ≤ 250 ms.
 *
 * Both clocks are this machine's: each event carries `at`, the Worker's Date.now() taken when it publishes
 * (after the D1 write and the job read that builds the message), so publish → receive = receivedAt − at.
 * The D1 write time is not in the message and nothing is added to the product for it; it is approximated
 * by the row's `updated_at`, which the Worker stamps (Date.now()) just before it sends the UPDATE. Only a
 * video's last write survives in its row, so write → receive is measured on each video's final status
 * message (`uploaded`), 100 samples, and includes the UPDATE's own round trip.
 */
import os from "node:os";
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { percentile } from "../social/stack.ts";
import { localD1 } from "../../test/e2e/support/local-state.ts";
import { archiveProfile, bundleWorker, startArchiveStack, startFixtures } from "./stack.ts";

const USER = "archive.bulk";
const COUNT = 100;

const line = (name: string, xs: number[], goal = "") =>
  console.log(
    `${name.padEnd(44)} n=${String(xs.length).padStart(3)}  p50 ${percentile(xs, 50).toFixed(1).padStart(6)} ms  p99 ${percentile(xs, 99).toFixed(1).padStart(6)} ms  max ${Math.max(...xs).toFixed(1).padStart(6)} ms${goal}`,
  );

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-ws-"));
  const fixtures = await startFixtures();
  console.log(`${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const bundle = await bundleWorker(work);
  const stack = await startArchiveStack(bundle, fixtures);
  try {
    const result = await archiveProfile(stack, USER, COUNT);
    if (result.final.job.successful_downloads !== COUNT) throw new Error(`the job ended ${JSON.stringify(result.final.job)}`);
    // The socket opens after the POST: its first message may be the stored state replayed to a late joiner,
    // not a live delivery, so it is left out (when it was live, that is one sample fewer).
    const live = result.received.slice(1);
    const withVideo = live.filter((r) => r.message.video);
    const byStatus = new Map<string, number>();
    for (const r of withVideo) byStatus.set(r.message.video!.status, (byStatus.get(r.message.video!.status) ?? 0) + 1);
    console.log(
      `job of ${COUNT} videos in ${result.seconds.toFixed(1)} s: ${result.received.length} messages, ${withVideo.length} naming a video ` +
        `(${[...byStatus].map(([s, n]) => `${s} ${n}`).join(", ")})`,
    );

    line("publish → receive (video status messages)", withVideo.map((r) => r.receivedAt - r.message.at), "   goal p50 ≤ 50, p99 ≤ 250");
    line("publish → receive (every message)", live.map((r) => r.receivedAt - r.message.at));

    const rows = localD1(stack.persistDir, "SELECT id, status, updated_at FROM archiver_videos WHERE job_id = ?", result.jobId) as { id: string; status: string; updated_at: number }[];
    const lastMessage = new Map<string, (typeof withVideo)[number]>();
    for (const r of withVideo) if (r.message.video!.status === "uploaded" && !lastMessage.has(r.message.video!.id)) lastMessage.set(r.message.video!.id, r);
    const paired = rows.flatMap((row) => {
      const r = lastMessage.get(row.id);
      return r ? [{ write: row.updated_at, at: r.message.at, receivedAt: r.receivedAt }] : [];
    });
    line("D1 write stamp → receive (final `uploaded`)", paired.map((p) => p.receivedAt - p.write), "   (write stamp = updated_at)");
    line("  of which D1 write stamp → publish (`at`)", paired.map((p) => p.at - p.write));
    line("  of which publish → receive", paired.map((p) => p.receivedAt - p.at));
  } finally {
    await stack.stop();
    await fixtures.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
