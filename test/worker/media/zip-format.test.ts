/**
 * ZIP framing around data the module never sees (worker/media/zip-format.ts): archives are assembled as
 * the plan says (each local header, then the entry's bytes; then the trailer) and read back with the test
 * reader, which checks every local header against its central header and every entry's bytes against its
 * CRC-32. ZIP64 past 4 GiB is read here from the trailer alone (no data); test/e2e/zip-readers checks real
 * archives with Python's zipfile and Info-ZIP.
 */
import { describe, expect, it } from "vitest";
import { planZip, type ZipEntryMeta, type ZipPlan } from "../../../worker/media/zip-format";
import { crc32, dosToDate, readLocalHeader, readZip, readZipDirectory } from "../../support/zip-entries";
import { patternBytes } from "../support/files";

const MAX32 = 0xffffffff;
const MODIFIED = new Date("2024-05-06T07:08:10Z");

function file(name: string, bytes: Uint8Array, modified = MODIFIED) {
  return { meta: { name, size: bytes.byteLength, crc32: crc32(bytes), modified } satisfies ZipEntryMeta, bytes };
}

const FILES = [
  file("empty.txt", new Uint8Array(0)),
  file("one.bin", new Uint8Array([0x42])),
  file("clips/few-kb.bin", patternBytes(5000)),
  file("видео/ролик.mp4", patternBytes(777, 13)),
];

function assemble(plan: ZipPlan, bodies: readonly Uint8Array[]): Uint8Array {
  const parts = bodies.flatMap((body, i) => [plan.localHeader(i), body]);
  parts.push(plan.trailer());
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

describe("planZip", () => {
  it("should be checked by a reader whose CRC-32 is the standard one (check value of \"123456789\")", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  for (const zip64 of ["auto", "always"] as const) {
    it(`should frame entries that read back whole, in order, with their CRCs (zip64: ${zip64})`, () => {
      const plan = planZip(FILES.map((f) => f.meta), { zip64 });
      const archive = assemble(plan, FILES.map((f) => f.bytes));
      expect(plan.length).toBe(archive.byteLength);

      const { directory, entries } = readZip(archive);
      expect(entries.map((e) => e.name)).toEqual(FILES.map((f) => f.meta.name));
      for (const [i, e] of entries.entries()) {
        expect(e.data).toEqual(FILES[i]!.bytes);
        expect(e.crc32).toBe(FILES[i]!.meta.crc32);
        // Bit 11 (UTF-8 names) set, bit 3 (data descriptor) clear: the local header carries CRC and sizes.
        expect(e.flags).toBe(1 << 11);
        expect(e.method).toBe(0);
        expect(e.versionNeeded).toBe(zip64 === "always" ? 45 : 20);
        expect(e.zip64).toEqual({ sizes: zip64 === "always", offset: zip64 === "always" });
        expect(e.local.zip64).toBe(zip64 === "always");
        // Unix creator, regular file 0644.
        expect(e.versionMadeBy >> 8).toBe(3);
        expect(e.externalAttributes >>> 16).toBe(0o100644);
        expect(dosToDate(e.dosDate, e.dosTime)).toEqual(MODIFIED);
      }
      expect(directory.zip64End).toBe(zip64 === "always");
      // "always" leaves every end record field to the ZIP64 record, so readers must take that path.
      expect(directory.end).toEqual(
        zip64 === "always"
          ? { count: 0xffff, directorySize: MAX32, directoryOffset: MAX32 }
          : { count: FILES.length, directorySize: directory.directorySize, directoryOffset: directory.directoryOffset },
      );
    });
  }

  it("should hand out a fresh copy of each header, so a stream that detaches one leaves the plan intact", () => {
    const plan = planZip([FILES[1]!.meta]);
    const first = plan.localHeader(0);
    const trailer = plan.trailer();
    first.fill(0);
    trailer.fill(0);
    expect(readZip(assemble(plan, [FILES[1]!.bytes])).entries[0]!.data).toEqual(FILES[1]!.bytes);
  });

  it("should write DOS dates in UTC with even seconds, clamping dates outside 1980..2107 to the nearest end", () => {
    const dates = [
      new Date("1979-12-31T23:59:59Z"),
      new Date("1970-01-01T00:00:00Z"),
      new Date("2099-12-31T23:59:59Z"),
      new Date("1980-01-01T00:00:01Z"),
      // Past the 7-bit year field's 2107: the last moment it can say.
      new Date("2200-06-01T12:00:00Z"),
    ];
    const files = dates.map((d, i) => file(`d${i}`, new Uint8Array([i]), d));
    const { entries } = readZip(assemble(planZip(files.map((f) => f.meta)), files.map((f) => f.bytes)));
    expect(entries.map((e) => dosToDate(e.dosDate, e.dosTime).toISOString())).toEqual([
      "1980-01-01T00:00:00.000Z",
      "1980-01-01T00:00:00.000Z",
      "2099-12-31T23:59:58.000Z",
      "1980-01-01T00:00:00.000Z",
      "2107-12-31T23:59:58.000Z",
    ]);
  });

  it("should switch an entry to ZIP64 exactly when its size reaches 0xFFFFFFFF, and later offsets and the end records with it", () => {
    const big = (name: string, size: number): ZipEntryMeta => ({ name, size, crc32: 0x12345678, modified: MODIFIED });
    const small = { name: "after.bin", size: 3, crc32: crc32(new Uint8Array(3)), modified: MODIFIED };

    const fits = planZip([big("fits.bin", MAX32 - 1)]);
    const fitsLocal = readLocalHeader(fits.localHeader(0));
    expect(fitsLocal).toMatchObject({ zip64: false, versionNeeded: 20, size: MAX32 - 1 });
    const fitsDirectory = readZipDirectory(fits.trailer(), fits.length - fits.trailer().byteLength);
    expect(fitsDirectory.entries[0]).toMatchObject({ size: MAX32 - 1, headerOffset: 0, versionNeeded: 20, zip64: { sizes: false, offset: false } });
    // Its data ends past 0xFFFFFFFF, so the central directory's offset alone calls for the ZIP64 end records.
    expect(fitsDirectory).toMatchObject({ zip64End: true, end: { count: 1, directoryOffset: MAX32 } });
    expect(fits.length).toBe(fits.localHeader(0).byteLength + (MAX32 - 1) + fits.trailer().byteLength);

    const plan = planZip([big("huge.bin", MAX32), small]);
    const hugeLocal = readLocalHeader(plan.localHeader(0));
    expect(hugeLocal).toMatchObject({ zip64: true, versionNeeded: 45, size: MAX32, compressedSize: MAX32, crc32: 0x12345678 });
    // The small entry's own header has nothing to widen; only its central offset does.
    expect(readLocalHeader(plan.localHeader(1))).toMatchObject({ zip64: false, versionNeeded: 45, size: 3 });
    const secondOffset = plan.localHeader(0).byteLength + MAX32;
    const directoryOffset = secondOffset + plan.localHeader(1).byteLength + 3;
    expect(plan.length).toBe(directoryOffset + plan.trailer().byteLength);

    const directory = readZipDirectory(plan.trailer(), directoryOffset);
    expect(directory.entries).toMatchObject([
      { name: "huge.bin", size: MAX32, compressedSize: MAX32, headerOffset: 0, versionNeeded: 45, zip64: { sizes: true, offset: false } },
      { name: "after.bin", size: 3, headerOffset: secondOffset, versionNeeded: 45, zip64: { sizes: false, offset: true } },
    ]);
    expect(directory).toMatchObject({ zip64End: true, directoryOffset, end: { count: 2, directoryOffset: MAX32 } });
  });

  it("should write the ZIP64 end records once the entry count reaches 0xFFFF, and not before", () => {
    const empty = (n: number) => Array.from({ length: n }, (_, i): ZipEntryMeta => ({ name: `e${i}`, size: 0, crc32: 0, modified: MODIFIED }));
    const below = readZip(assemble(planZip(empty(0xfffe)), Array.from({ length: 0xfffe }, () => new Uint8Array(0)))).directory;
    expect(below).toMatchObject({ zip64End: false, end: { count: 0xfffe } });
    expect(below.entries).toHaveLength(0xfffe);
    const at = readZip(assemble(planZip(empty(0xffff)), Array.from({ length: 0xffff }, () => new Uint8Array(0)))).directory;
    expect(at).toMatchObject({ zip64End: true, end: { count: 0xffff } });
    expect(at.entries).toHaveLength(0xffff);
    // The count alone overflowed: entries, sizes and offsets keep their 32-bit fields.
    expect(at.entries.every((e) => e.versionNeeded === 20)).toBe(true);
  });

  it("should reject names that are empty, absolute, climb out with '..', or hold NUL", () => {
    const named = (name: string) => () => planZip([{ name, size: 0, crc32: 0, modified: MODIFIED }]);
    expect(named("")).toThrow(/empty/);
    expect(named("/etc/passwd")).toThrow(/absolute/);
    expect(named("..")).toThrow(/'\.\.' segment/);
    expect(named("a/../../b")).toThrow(/'\.\.' segment/);
    expect(named("a\\..\\b")).toThrow(/'\.\.' segment/);
    expect(named("a\0b")).toThrow(/NUL/);
    // Dots inside a segment are a name, not a climb.
    expect(named("a/..b/c..")).not.toThrow();
  });

  it("should reject sizes and CRCs the header fields cannot hold", () => {
    const entry = (size: number, crc: number) => () => planZip([{ name: "x", size, crc32: crc, modified: MODIFIED }]);
    expect(entry(-1, 0)).toThrow(/size/);
    expect(entry(1.5, 0)).toThrow(/size/);
    expect(entry(2 ** 53, 0)).toThrow(/size/);
    expect(entry(0, 2 ** 32)).toThrow(/crc32/);
    expect(entry(0, -1)).toThrow(/crc32/);
  });
});
