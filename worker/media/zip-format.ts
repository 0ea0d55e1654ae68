/**
 * ZIP framing for an archive whose entries' data is piped by someone else: every entry's size and CRC-32
 * are known before the archive starts, so each local header and the central directory can be written
 * around data this module never sees. Layout: for each entry its `localHeader(i)` then its `size` data
 * bytes, then `trailer()`. Entries are STORE (method 0) without data descriptors (general purpose bit 3
 * clear), so the local header already holds the CRC and sizes. ZIP64 (APPNOTE 4.3.14, 4.3.15, 4.5.3) is
 * written only where a field does not fit, or everywhere with `zip64: "always"`.
 *
 * Section numbers cite PKWARE's APPNOTE.TXT 6.3.x. Sizes and offsets may pass 4 GiB: they stay numbers
 * (safe integers) and are written with DataView, never through 32-bit bitwise operators.
 */

export interface ZipEntryMeta {
  /** Path inside the archive, `/`-separated, as given. */
  name: string;
  /** Byte length of the entry's data. */
  size: number;
  /** CRC-32 (ISO 3309, as zlib computes it) of the entry's data, unsigned. */
  crc32: number;
  modified: Date;
}

export interface ZipPlan {
  /** Exact byte length of the whole archive. */
  length: number;
  /** The bytes that precede entry i's data (its local file header). */
  localHeader(i: number): Uint8Array;
  /** Everything after the last entry's data: central directory, ZIP64 end records when needed, end of central directory. */
  trailer(): Uint8Array;
}

const LOCAL_HEADER_SIGNATURE = 0x04034b50; // 4.3.7
const CENTRAL_HEADER_SIGNATURE = 0x02014b50; // 4.3.12
const ZIP64_END_SIGNATURE = 0x06064b50; // 4.3.14
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50; // 4.3.15
const END_SIGNATURE = 0x06054b50; // 4.3.16

const LOCAL_HEADER_BYTES = 30;
const CENTRAL_HEADER_BYTES = 46;
const ZIP64_END_BYTES = 56;
const ZIP64_LOCATOR_BYTES = 20;
const END_BYTES = 22;

/** A 32-bit size or offset field holding this value means "see the ZIP64 extra / record" (4.4.8, 4.4.9, 4.4.16, 4.4.23, 4.4.24). */
const MAX32 = 0xffffffff;
/** Likewise for the 16-bit entry counts of the end of central directory record (4.4.21, 4.4.22). */
const MAX16 = 0xffff;

/** Version needed to extract (4.4.3.2): 2.0, the baseline readers expect (Python's zipfile writes it too); 4.5 once ZIP64 fields are present. */
const VERSION_STORE = 20;
const VERSION_ZIP64 = 45;
/**
 * Version made by (4.4.2): upper byte 3 = Unix, so readers take the file mode from the high 16 bits of the
 * external attributes; lower byte is the APPNOTE version this writer follows (ZIP64 = 4.5).
 */
const VERSION_MADE_BY = (3 << 8) | VERSION_ZIP64;
/** General purpose bit 11 (4.4.4): the name is UTF-8 (APPNOTE appendix D). Bit 3 stays clear: no data descriptor. */
const FLAG_UTF8 = 1 << 11;
/** External attributes with a Unix creator (4.4.15): st_mode in the high 16 bits, a regular file rw-r--r--. */
const EXTERNAL_ATTRIBUTES = 0o100644 * 0x10000;

/** ZIP64 extended information extra field (4.5.3). */
const ZIP64_EXTRA_ID = 0x0001;

/** The DOS date field counts years from 1980 in 7 bits (4.4.6): 1980..2107. */
const DOS_FIRST_YEAR = 1980;
const DOS_LAST_YEAR = 2107;

interface PlannedEntry {
  name: Uint8Array;
  size: number;
  crc32: number;
  offset: number;
  time: number;
  date: number;
  /** Sizes don't fit 32 bits (or "always"): 0xFFFFFFFF in both headers, the real ones in 0x0001 extras. */
  zip64Sizes: boolean;
  /** The local header's offset doesn't fit 32 bits (or "always"): it moves to the central 0x0001 extra. */
  zip64Offset: boolean;
}

/**
 * The framing of an archive of `entries`, in order. Throws on a name that could escape the extraction
 * directory or that readers would take apart differently (empty, absolute, a `..` segment, NUL), and on
 * sizes or CRCs that are not what the fields can hold.
 */
export function planZip(entries: readonly ZipEntryMeta[], options: { zip64?: "auto" | "always" } = {}): ZipPlan {
  const always = options.zip64 === "always";
  const encoder = new TextEncoder();
  const planned: PlannedEntry[] = [];
  const localHeaders: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    checkEntry(entry);
    const name = encoder.encode(entry.name);
    // Name length is a 16-bit field (4.4.10).
    if (name.byteLength > MAX16) throw new Error(`zip entry name is longer than ${MAX16} bytes: ${entry.name.slice(0, 64)}…`);
    const { time, date } = dosDateTime(entry.modified);
    const p: PlannedEntry = {
      name,
      size: entry.size,
      crc32: entry.crc32,
      offset,
      time,
      date,
      zip64Sizes: always || entry.size >= MAX32,
      zip64Offset: always || offset >= MAX32,
    };
    const header = buildLocalHeader(p);
    planned.push(p);
    localHeaders.push(header);
    offset += header.byteLength + entry.size;
  }
  const trailer = buildTrailer(planned, offset, always);
  return {
    length: offset + trailer.byteLength,
    // Copies: a byte stream's enqueue() transfers (detaches) the buffer it is given.
    localHeader(i) {
      const header = localHeaders[i];
      if (!header) throw new RangeError(`zip entry ${i} is not in the plan (${localHeaders.length} entries)`);
      return header.slice();
    },
    trailer: () => trailer.slice(),
  };
}

function checkEntry(entry: ZipEntryMeta): void {
  const { name } = entry;
  if (name === "") throw new Error("zip entry name is empty");
  if (name.startsWith("/")) throw new Error(`zip entry name is absolute: ${name}`);
  if (name.includes("\0")) throw new Error(`zip entry name contains NUL: ${JSON.stringify(name)}`);
  // Backslash counts as a separator here too: extractors on Windows treat it as one, so `..\x` escapes there.
  if (name.split(/[/\\]/).includes("..")) throw new Error(`zip entry name has a '..' segment: ${name}`);
  if (!Number.isSafeInteger(entry.size) || entry.size < 0) throw new Error(`zip entry ${name}: size ${entry.size} is not a byte count`);
  if (!Number.isInteger(entry.crc32) || entry.crc32 < 0 || entry.crc32 > MAX32) throw new Error(`zip entry ${name}: crc32 ${entry.crc32} is not an unsigned 32-bit value`);
  if (Number.isNaN(entry.modified.getTime())) throw new Error(`zip entry ${name}: modified is an invalid date`);
}

/**
 * MS-DOS date and time (4.4.6), from the UTC fields: the format has no zone, and UTC gives every server the
 * same bytes. Seconds are stored halved. Outside the format's years the date clamps to its first or last day.
 */
function dosDateTime(modified: Date): { time: number; date: number } {
  const year = modified.getUTCFullYear();
  if (year < DOS_FIRST_YEAR) return { time: 0, date: (1 << 5) | 1 };
  if (year > DOS_LAST_YEAR) return { time: (23 << 11) | (59 << 5) | 29, date: ((DOS_LAST_YEAR - DOS_FIRST_YEAR) << 9) | (12 << 5) | 31 };
  return {
    time: (modified.getUTCHours() << 11) | (modified.getUTCMinutes() << 5) | Math.floor(modified.getUTCSeconds() / 2),
    date: ((year - DOS_FIRST_YEAR) << 9) | ((modified.getUTCMonth() + 1) << 5) | modified.getUTCDate(),
  };
}

function versionNeeded(p: PlannedEntry): number {
  return p.zip64Sizes || p.zip64Offset ? VERSION_ZIP64 : VERSION_STORE;
}

/** Local file header (4.3.7). A ZIP64 local extra MUST hold both sizes (4.5.3) and never the offset. */
function buildLocalHeader(p: PlannedEntry): Uint8Array {
  const extraBytes = p.zip64Sizes ? 4 + 16 : 0;
  const out = new Uint8Array(LOCAL_HEADER_BYTES + p.name.byteLength + extraBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, LOCAL_HEADER_SIGNATURE, true);
  view.setUint16(4, versionNeeded(p), true);
  view.setUint16(6, FLAG_UTF8, true);
  view.setUint16(8, 0, true); // method: stored (4.4.5)
  view.setUint16(10, p.time, true);
  view.setUint16(12, p.date, true);
  view.setUint32(14, p.crc32, true);
  const size32 = p.zip64Sizes ? MAX32 : p.size;
  view.setUint32(18, size32, true); // compressed size: stored, so the same
  view.setUint32(22, size32, true);
  view.setUint16(26, p.name.byteLength, true);
  view.setUint16(28, extraBytes, true);
  out.set(p.name, LOCAL_HEADER_BYTES);
  if (p.zip64Sizes) {
    const at = LOCAL_HEADER_BYTES + p.name.byteLength;
    view.setUint16(at, ZIP64_EXTRA_ID, true);
    view.setUint16(at + 2, 16, true);
    // Original size first, then compressed size (4.5.3's fixed order).
    view.setBigUint64(at + 4, BigInt(p.size), true);
    view.setBigUint64(at + 12, BigInt(p.size), true);
  }
  return out;
}

/** Bytes of entry p's central directory header (4.3.12), its ZIP64 extra holding only the fields set to 0xFFFFFFFF (4.5.3). */
function centralHeaderBytes(p: PlannedEntry): number {
  const zip64Fields = (p.zip64Sizes ? 2 : 0) + (p.zip64Offset ? 1 : 0);
  return CENTRAL_HEADER_BYTES + p.name.byteLength + (zip64Fields > 0 ? 4 + 8 * zip64Fields : 0);
}

function writeCentralHeader(view: DataView, out: Uint8Array, at: number, p: PlannedEntry): number {
  const zip64Fields = (p.zip64Sizes ? 2 : 0) + (p.zip64Offset ? 1 : 0);
  const extraBytes = zip64Fields > 0 ? 4 + 8 * zip64Fields : 0;
  view.setUint32(at, CENTRAL_HEADER_SIGNATURE, true);
  view.setUint16(at + 4, VERSION_MADE_BY, true);
  view.setUint16(at + 6, versionNeeded(p), true);
  view.setUint16(at + 8, FLAG_UTF8, true);
  view.setUint16(at + 10, 0, true); // method: stored
  view.setUint16(at + 12, p.time, true);
  view.setUint16(at + 14, p.date, true);
  view.setUint32(at + 16, p.crc32, true);
  const size32 = p.zip64Sizes ? MAX32 : p.size;
  view.setUint32(at + 20, size32, true);
  view.setUint32(at + 24, size32, true);
  view.setUint16(at + 28, p.name.byteLength, true);
  view.setUint16(at + 30, extraBytes, true);
  view.setUint16(at + 32, 0, true); // comment length
  view.setUint16(at + 34, 0, true); // disk number start: one-disk archive
  view.setUint16(at + 36, 0, true); // internal attributes: bit 0 clear, binary data (4.4.14)
  view.setUint32(at + 38, EXTERNAL_ATTRIBUTES, true);
  view.setUint32(at + 42, p.zip64Offset ? MAX32 : p.offset, true);
  out.set(p.name, at + CENTRAL_HEADER_BYTES);
  let extra = at + CENTRAL_HEADER_BYTES + p.name.byteLength;
  if (extraBytes > 0) {
    view.setUint16(extra, ZIP64_EXTRA_ID, true);
    view.setUint16(extra + 2, 8 * zip64Fields, true);
    extra += 4;
    // 4.5.3's order: original size, compressed size, local header offset (disk start never overflows).
    if (p.zip64Sizes) {
      view.setBigUint64(extra, BigInt(p.size), true);
      view.setBigUint64(extra + 8, BigInt(p.size), true);
      extra += 16;
    }
    if (p.zip64Offset) {
      view.setBigUint64(extra, BigInt(p.offset), true);
      extra += 8;
    }
  }
  return extra;
}

/**
 * Central directory, then (when a count, size or offset does not fit the end record, or "always") the
 * ZIP64 end of central directory record and its locator, then the end of central directory record.
 */
function buildTrailer(planned: readonly PlannedEntry[], directoryOffset: number, always: boolean): Uint8Array {
  const directoryBytes = planned.reduce((sum, p) => sum + centralHeaderBytes(p), 0);
  const count = planned.length;
  // 0xFFFF / 0xFFFFFFFF themselves are read as "look in the ZIP64 record" (4.4.1.4), so they need it too.
  const countOverflows = always || count >= MAX16;
  const sizeOverflows = always || directoryBytes >= MAX32;
  const offsetOverflows = always || directoryOffset >= MAX32;
  const zip64 = countOverflows || sizeOverflows || offsetOverflows;
  const out = new Uint8Array(directoryBytes + (zip64 ? ZIP64_END_BYTES + ZIP64_LOCATOR_BYTES : 0) + END_BYTES);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of planned) at = writeCentralHeader(view, out, at, p);

  if (zip64) {
    const zip64EndOffset = directoryOffset + directoryBytes;
    // ZIP64 end of central directory record (4.3.14).
    view.setUint32(at, ZIP64_END_SIGNATURE, true);
    // Its size counts the bytes after this field (4.3.14.1): the fixed record without its first 12 bytes.
    view.setBigUint64(at + 4, BigInt(ZIP64_END_BYTES - 12), true);
    view.setUint16(at + 12, VERSION_MADE_BY, true);
    view.setUint16(at + 14, VERSION_ZIP64, true);
    view.setUint32(at + 16, 0, true); // number of this disk
    view.setUint32(at + 20, 0, true); // disk where the central directory starts
    view.setBigUint64(at + 24, BigInt(count), true); // entries on this disk
    view.setBigUint64(at + 32, BigInt(count), true); // entries in total
    view.setBigUint64(at + 40, BigInt(directoryBytes), true);
    view.setBigUint64(at + 48, BigInt(directoryOffset), true);
    at += ZIP64_END_BYTES;
    // ZIP64 end of central directory locator (4.3.15): readers find the record through it.
    view.setUint32(at, ZIP64_LOCATOR_SIGNATURE, true);
    view.setUint32(at + 4, 0, true); // disk holding the ZIP64 end record
    view.setBigUint64(at + 8, BigInt(zip64EndOffset), true);
    view.setUint32(at + 16, 1, true); // total number of disks
    at += ZIP64_LOCATOR_BYTES;
  }

  // End of central directory record (4.3.16): a field that overflows holds 0xFFFF / 0xFFFFFFFF (4.4.1.4).
  view.setUint32(at, END_SIGNATURE, true);
  view.setUint16(at + 4, 0, true); // number of this disk
  view.setUint16(at + 6, 0, true); // disk where the central directory starts
  view.setUint16(at + 8, countOverflows ? MAX16 : count, true);
  view.setUint16(at + 10, countOverflows ? MAX16 : count, true);
  view.setUint32(at + 12, sizeOverflows ? MAX32 : directoryBytes, true);
  view.setUint32(at + 16, offsetOverflows ? MAX32 : directoryOffset, true);
  view.setUint16(at + 20, 0, true); // comment length
  return out;
}
