/**
 * Bundles outputs into one zip, streamed from disk to disk with fflate. Entries are STOREd: media is
 * already compressed, so deflate would spend CPU for nothing, and stored entries keep the time
 * proportional to the bytes.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { once } from "node:events";
import { Zip, ZipPassThrough } from "fflate";

export type ZipEntry = { name: string; path: string };

/** Writes `entries` into a zip at `target` and returns its size. Rejects on I/O errors or abort. */
export const writeStoredZip = async (
  entries: ZipEntry[],
  target: string,
  opts: { signal: AbortSignal; onProgress?: (fraction: number) => void },
): Promise<number> => {
  const out = createWriteStream(target);
  const sizes = await Promise.all(entries.map(async (e) => (await stat(e.path)).size));
  const total = sizes.reduce((a, b) => a + b, 0) || 1;
  let written = 0;
  let failure: Error | undefined;
  // fflate pushes synchronously; remember the write back-pressure and wait for it between chunks.
  let drained: Promise<unknown> = Promise.resolve();

  const zip = new Zip((err, chunk, final) => {
    if (err) {
      failure = err;
      return;
    }
    if (!out.write(chunk)) drained = once(out, "drain");
    if (final) out.end();
  });

  try {
    for (const entry of entries) {
      const file = new ZipPassThrough(entry.name);
      zip.add(file);
      for await (const chunk of createReadStream(entry.path, { highWaterMark: 256 * 1024 })) {
        if (opts.signal.aborted) throw new Error("aborted");
        if (failure) throw failure;
        file.push(chunk as Uint8Array);
        written += (chunk as Buffer).length;
        opts.onProgress?.(written / total);
        await drained;
      }
      file.push(new Uint8Array(0), true);
    }
    zip.end();
    if (failure) throw failure;
    if (!out.writableFinished) await once(out, "finish");
  } catch (err) {
    zip.terminate();
    out.destroy();
    throw err;
  }
  return (await stat(target)).size;
};
