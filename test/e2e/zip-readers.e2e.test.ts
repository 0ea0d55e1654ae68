/**
 * Archives framed by planZip (worker/media/zip-format.ts) as independent readers see them: Python's zipfile
 * (required; it checks CRC-32 on every read) and Info-ZIP's `unzip -t` when it is installed. CRCs come from
 * Node's zlib.crc32, not from the test reader the workerd tests use. One archive passes 4 GiB without
 * writing 4 GiB: its first entry's data is a hole in a sparse file (zeros), so the second entry, the
 * central directory and the end records all sit past 4 GiB and need ZIP64.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planZip, type ZipEntryMeta, type ZipPlan } from "../../worker/media/zip-format";

const run = promisify(execFile);
const MODIFIED = new Date("2025-03-04T05:06:08Z");

/** Lists the archive as zipfile reads it; `--testzip` runs testzip(); each `--read NAME` returns that entry's bytes (CRC checked on read). */
const PYTHON_READER = `
import argparse, base64, json, zipfile
parser = argparse.ArgumentParser()
parser.add_argument("path")
parser.add_argument("--testzip", action="store_true")
parser.add_argument("--read", action="append", default=[])
args = parser.parse_args()
with zipfile.ZipFile(args.path) as z:
    print(json.dumps({
        "testzip": z.testzip() if args.testzip else None,
        "entries": [{"name": i.filename, "size": i.file_size, "compressSize": i.compress_size, "headerOffset": i.header_offset, "crc": i.CRC} for i in z.infolist()],
        "data": {name: base64.b64encode(z.read(name)).decode() for name in args.read},
    }))
`;

interface PythonView {
  testzip: string | null;
  entries: { name: string; size: number; compressSize: number; headerOffset: number; crc: number }[];
  data: Record<string, string>;
}

async function python(file: string, opts: { testzip?: boolean; read?: string[] }): Promise<PythonView> {
  const args = ["-c", PYTHON_READER, file, ...(opts.testzip ? ["--testzip"] : []), ...(opts.read ?? []).flatMap((n) => ["--read", n])];
  const { stdout } = await run("python3", args, { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as PythonView;
}

const hasUnzip = spawnSync("unzip", ["-v"]).error === undefined;

/** `unzip -t` over the archive (or only `members`): exit code and output. */
function unzipTest(file: string, members: string[] = []): { status: number | null; output: string } {
  const result = spawnSync("unzip", ["-t", file, ...members], { encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function entry(name: string, bytes: Uint8Array): { meta: ZipEntryMeta; bytes: Uint8Array } {
  return { meta: { name, size: bytes.byteLength, crc32: crc32(bytes), modified: MODIFIED }, bytes };
}

function pattern(size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) % 256);
}

const FILES = [
  entry("empty.txt", new Uint8Array(0)),
  entry("one.bin", new Uint8Array([7])),
  entry("clips/few-kb.bin", pattern(6001, 1)),
  entry("видео/ролик.mp4", pattern(4096, 2)),
];

async function writeArchive(file: string, plan: ZipPlan, bodies: readonly Uint8Array[]): Promise<void> {
  await writeFile(file, Buffer.concat([...bodies.flatMap((body, i) => [plan.localHeader(i), body]), plan.trailer()]));
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "zip-readers-"));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("planZip archives read by independent readers", () => {
  for (const zip64 of ["auto", "always"] as const) {
    it(`should pass Python's zipfile and unzip -t with every name, size and byte intact (zip64: ${zip64})`, async () => {
      const file = path.join(dir, `small-${zip64}.zip`);
      const plan = planZip(FILES.map((f) => f.meta), { zip64 });
      await writeArchive(file, plan, FILES.map((f) => f.bytes));

      const view = await python(file, { testzip: true, read: FILES.map((f) => f.meta.name) });
      expect(view.testzip).toBeNull();
      expect(view.entries.map(({ name, size, compressSize, crc }) => ({ name, size, compressSize, crc }))).toEqual(
        FILES.map((f) => ({ name: f.meta.name, size: f.meta.size, compressSize: f.meta.size, crc: f.meta.crc32 })),
      );
      for (const f of FILES) expect(Buffer.from(view.data[f.meta.name]!, "base64")).toEqual(Buffer.from(f.bytes));

      if (hasUnzip) {
        const checked = unzipTest(file);
        expect(checked.status, checked.output).toBe(0);
        expect(checked.output).toContain("No errors detected");
      }
    });
  }

  it("should have the readers report an entry whose planned CRC-32 is wrong", async () => {
    const file = path.join(dir, "bad-crc.zip");
    const bad = { ...FILES[2]!.meta, crc32: (FILES[2]!.meta.crc32 + 1) % 2 ** 32 };
    const metas = [FILES[1]!.meta, bad, FILES[3]!.meta];
    await writeArchive(file, planZip(metas), [FILES[1]!.bytes, FILES[2]!.bytes, FILES[3]!.bytes]);

    expect((await python(file, { testzip: true })).testzip).toBe(bad.name);
    if (hasUnzip) {
      const checked = unzipTest(file);
      expect(checked.status, checked.output).not.toBe(0);
      expect(checked.output).toMatch(/clips\/few-kb\.bin\s+bad CRC/);
    }
  });

  it("should read an archive past 4 GiB: a 4.3 GiB entry, then one whose header, the directory and end records need ZIP64", async () => {
    const file = path.join(dir, "over-4gib.zip");
    const hugeSize = Math.round(4.3 * 2 ** 30);
    // The hole reads as zeros: its CRC-32 is that of hugeSize zero bytes, computed in chunks.
    const zeros = new Uint8Array(16 * 1024 * 1024);
    let hugeCrc = 0;
    for (let left = hugeSize; left > 0; left -= zeros.byteLength) hugeCrc = crc32(zeros.subarray(0, Math.min(left, zeros.byteLength)), hugeCrc);
    const after = entry("after/tail.bin", pattern(1234, 3));
    const plan = planZip([{ name: "huge.bin", size: hugeSize, crc32: hugeCrc, modified: MODIFIED }, after.meta]);

    const first = plan.localHeader(0);
    const secondOffset = first.byteLength + hugeSize;
    const second = plan.localHeader(1);
    const trailer = plan.trailer();
    const handle = await open(file, "w");
    try {
      await handle.write(first, 0, first.byteLength, 0);
      // Writing past the end leaves the huge entry's data as a hole: nothing of it touches the disk.
      await handle.write(second, 0, second.byteLength, secondOffset);
      await handle.write(after.bytes, 0, after.bytes.byteLength, secondOffset + second.byteLength);
      await handle.write(trailer, 0, trailer.byteLength, secondOffset + second.byteLength + after.bytes.byteLength);
      expect((await handle.stat()).size).toBe(plan.length);
    } finally {
      await handle.close();
    }

    // No testzip: it would read the 4.3 GiB entry. Reading the second entry checks its CRC-32.
    const view = await python(file, { read: [after.meta.name] });
    expect(view.entries).toEqual([
      { name: "huge.bin", size: hugeSize, compressSize: hugeSize, headerOffset: 0, crc: hugeCrc },
      { name: after.meta.name, size: after.meta.size, compressSize: after.meta.size, headerOffset: secondOffset, crc: after.meta.crc32 },
    ]);
    expect(Buffer.from(view.data[after.meta.name]!, "base64")).toEqual(Buffer.from(after.bytes));

    if (hasUnzip) {
      const checked = unzipTest(file, [after.meta.name]);
      expect(checked.status, checked.output).toBe(0);
      expect(checked.output).toMatch(/testing: after\/tail\.bin\s+OK/);
    }
  }, 120_000);
});
