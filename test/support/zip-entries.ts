/**
 * A ZIP reader for tests (STORE entries, as the platform writes them; ZIP64 included). The platform's
 * archives are checked by reading them back, not by trusting the writer: every entry's local header must
 * agree with its central directory header, and its data must match the central CRC-32 and size.
 * Section numbers cite PKWARE's APPNOTE.TXT.
 */

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const ZIP64_END_SIGNATURE = 0x06064b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const END_SIGNATURE = 0x06054b50;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
/** General purpose bit 3 (4.4.4): CRC and sizes follow the data in a descriptor and are zero in the local header. */
const FLAG_DATA_DESCRIPTOR = 1 << 3;

/** The fields a local header and its central directory header both hold. */
interface ZipHeaderFields {
  name: string;
  versionNeeded: number;
  flags: number;
  method: number;
  dosTime: number;
  dosDate: number;
  crc32: number;
  compressedSize: number;
  size: number;
}

/** An entry as its central directory header (4.3.12) describes it, ZIP64 extra (4.5.3) applied. */
export interface ZipCentralRecord extends ZipHeaderFields {
  versionMadeBy: number;
  externalAttributes: number;
  headerOffset: number;
  /** Which 32-bit fields were 0xFFFFFFFF and read from the 0x0001 extra. */
  zip64: { sizes: boolean; offset: boolean };
}

export interface ZipDirectory {
  entries: ZipCentralRecord[];
  directoryOffset: number;
  directorySize: number;
  /** A ZIP64 end of central directory record (4.3.14) was found through its locator (4.3.15). */
  zip64End: boolean;
  /** The end of central directory record's own fields (4.3.16), before any ZIP64 record overrides them. */
  end: { count: number; directorySize: number; directoryOffset: number };
}

/** The fields of a local file header (4.3.7) and where its data starts. */
export interface ZipLocalHeader extends ZipHeaderFields {
  /** The local 0x0001 extra was present (it must then hold both sizes, 4.5.3). */
  zip64: boolean;
  dataOffset: number;
}

export interface ZipEntry extends ZipCentralRecord {
  data: Uint8Array;
  local: ZipLocalHeader;
}

/** Names must be valid UTF-8 (bit 11); a BOM would be part of the name, so it is kept. */
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function uint64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`64-bit field at ${at} is beyond a safe integer`);
  return Number(value);
}

/**
 * The central directory and end records of an archive whose last `tail.byteLength` bytes are `tail`,
 * starting at archive offset `base` (0 for a whole archive; a plan's trailer alone can be read with
 * base = its offset in the archive, so ZIP64 archives can be checked without their data).
 */
export function readZipDirectory(tail: Uint8Array, base = 0): ZipDirectory {
  const view = viewOf(tail);
  let eocd = tail.byteLength - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== END_SIGNATURE) eocd--;
  if (eocd < 0) throw new Error("no end of central directory");
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) throw new Error("multi-disk archive");
  const end = { count: view.getUint16(eocd + 10, true), directorySize: view.getUint32(eocd + 12, true), directoryOffset: view.getUint32(eocd + 16, true) };
  if (view.getUint16(eocd + 8, true) !== end.count) throw new Error("entries on this disk differ from the total");
  let { count, directorySize, directoryOffset } = end;
  let directoryEnd = base + eocd;
  const locator = eocd - 20;
  const zip64End = locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR_SIGNATURE;
  if (zip64End) {
    const record = uint64(view, locator + 8) - base;
    if (view.getUint32(locator + 16, true) !== 1) throw new Error("ZIP64 locator: more than one disk");
    if (record !== locator - 56) throw new Error(`ZIP64 end record is not right before its locator (${record + base})`);
    if (view.getUint32(record, true) !== ZIP64_END_SIGNATURE) throw new Error("bad ZIP64 end of central directory record");
    if (uint64(view, record + 4) !== 44) throw new Error("ZIP64 end record size is not 44");
    if (uint64(view, record + 24) !== uint64(view, record + 32)) throw new Error("ZIP64: entries on this disk differ from the total");
    // Each end record field is either the real value or the 0xFFFF / 0xFFFFFFFF that points here (4.4.1.4).
    const zip64 = { count: uint64(view, record + 32), directorySize: uint64(view, record + 40), directoryOffset: uint64(view, record + 48) };
    if (end.count !== MAX16 && end.count !== zip64.count) throw new Error("end record count contradicts the ZIP64 record");
    if (end.directorySize !== MAX32 && end.directorySize !== zip64.directorySize) throw new Error("end record size contradicts the ZIP64 record");
    if (end.directoryOffset !== MAX32 && end.directoryOffset !== zip64.directoryOffset) throw new Error("end record offset contradicts the ZIP64 record");
    ({ count, directorySize, directoryOffset } = zip64);
    directoryEnd = base + record;
  }
  if (directoryOffset + directorySize !== directoryEnd) {
    throw new Error(`central directory (${directoryOffset} + ${directorySize}) does not end where the end records start (${directoryEnd})`);
  }
  const entries: ZipCentralRecord[] = [];
  let at = directoryOffset - base;
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== CENTRAL_HEADER_SIGNATURE) throw new Error(`bad central directory entry ${i}`);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const record: ZipCentralRecord = {
      name: decoder.decode(tail.subarray(at + 46, at + 46 + nameLength)),
      versionMadeBy: view.getUint16(at + 4, true),
      versionNeeded: view.getUint16(at + 6, true),
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      dosTime: view.getUint16(at + 12, true),
      dosDate: view.getUint16(at + 14, true),
      crc32: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      externalAttributes: view.getUint32(at + 38, true),
      headerOffset: view.getUint32(at + 42, true),
      zip64: { sizes: false, offset: false },
    };
    if (view.getUint16(at + 34, true) !== 0) throw new Error(`${record.name}: disk number start is not 0`);
    const extras = readExtras(tail.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    const zip64 = extras.get(0x0001);
    if (zip64) {
      // 4.5.3: only the fields whose header value is 0xFFFFFFFF appear, in this order.
      const z = viewOf(zip64);
      const inExtra = { size: record.size === MAX32, compressedSize: record.compressedSize === MAX32, offset: record.headerOffset === MAX32 };
      let z64 = 0;
      const next = () => {
        if (z64 + 8 > zip64.byteLength) throw new Error(`${record.name}: ZIP64 extra is shorter than its 0xFFFFFFFF fields ask`);
        z64 += 8;
        return uint64(z, z64 - 8);
      };
      if (inExtra.size) record.size = next();
      if (inExtra.compressedSize) record.compressedSize = next();
      if (inExtra.offset) record.headerOffset = next();
      if (z64 !== zip64.byteLength) throw new Error(`${record.name}: ZIP64 extra holds ${zip64.byteLength} bytes, the header asks for ${z64}`);
      record.zip64 = { sizes: inExtra.size && inExtra.compressedSize, offset: inExtra.offset };
    } else if (record.size === MAX32 || record.compressedSize === MAX32 || record.headerOffset === MAX32) {
      throw new Error(`${record.name}: 0xFFFFFFFF field without a ZIP64 extra`);
    }
    entries.push(record);
    at += 46 + nameLength + extraLength + commentLength;
  }
  if (at !== directoryOffset - base + directorySize) throw new Error("central directory size does not match its entries");
  return { entries, directoryOffset, directorySize, zip64End, end };
}

/** Extra fields (4.5.1) by header id; a duplicate or a field running past the end is an error. */
function readExtras(extra: Uint8Array): Map<number, Uint8Array> {
  const view = viewOf(extra);
  const out = new Map<number, Uint8Array>();
  let at = 0;
  while (at < extra.byteLength) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (at + 4 + size > extra.byteLength) throw new Error(`extra field 0x${id.toString(16)} runs past the extra area`);
    if (out.has(id)) throw new Error(`extra field 0x${id.toString(16)} appears twice`);
    out.set(id, extra.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  return out;
}

/** The local file header (4.3.7) at `at` in `bytes`, ZIP64 extra applied. */
export function readLocalHeader(bytes: Uint8Array, at = 0): ZipLocalHeader {
  const view = viewOf(bytes);
  if (view.getUint32(at, true) !== LOCAL_HEADER_SIGNATURE) throw new Error(`no local file header at ${at}`);
  const nameLength = view.getUint16(at + 26, true);
  const extraLength = view.getUint16(at + 28, true);
  const header: ZipLocalHeader = {
    versionNeeded: view.getUint16(at + 4, true),
    flags: view.getUint16(at + 6, true),
    method: view.getUint16(at + 8, true),
    dosTime: view.getUint16(at + 10, true),
    dosDate: view.getUint16(at + 12, true),
    crc32: view.getUint32(at + 14, true),
    compressedSize: view.getUint32(at + 18, true),
    size: view.getUint32(at + 22, true),
    name: decoder.decode(bytes.subarray(at + 30, at + 30 + nameLength)),
    zip64: false,
    dataOffset: at + 30 + nameLength + extraLength,
  };
  const zip64 = readExtras(bytes.subarray(at + 30 + nameLength, at + 30 + nameLength + extraLength)).get(0x0001);
  if (zip64) {
    // In a local header the ZIP64 extra MUST hold both sizes (4.5.3), and the header fields are 0xFFFFFFFF.
    if (zip64.byteLength !== 16) throw new Error(`${header.name}: local ZIP64 extra is ${zip64.byteLength} bytes, not 16`);
    if (header.size !== MAX32 || header.compressedSize !== MAX32) throw new Error(`${header.name}: local ZIP64 extra but sizes not 0xFFFFFFFF`);
    header.size = uint64(viewOf(zip64), 0);
    header.compressedSize = uint64(viewOf(zip64), 8);
    header.zip64 = true;
  }
  return header;
}

/** Every entry of a whole archive, in central directory order, each checked against its local header and data. */
export function readZip(zip: Uint8Array): { directory: ZipDirectory; entries: ZipEntry[] } {
  const directory = readZipDirectory(zip);
  const entries = directory.entries.map((record): ZipEntry => {
    if (record.method !== 0) throw new Error(`${record.name}: compressed entry, not written by the platform`);
    if (record.compressedSize !== record.size) throw new Error(`${record.name}: stored entry with compressed size ${record.compressedSize} != size ${record.size}`);
    const local = readLocalHeader(zip, record.headerOffset);
    const same: (keyof ZipLocalHeader & keyof ZipCentralRecord)[] = ["name", "versionNeeded", "flags", "method", "dosTime", "dosDate"];
    // With a data descriptor the local CRC and sizes are zero (4.4.4 bit 3); otherwise they must agree too.
    if ((record.flags & FLAG_DATA_DESCRIPTOR) === 0) same.push("crc32", "size", "compressedSize");
    for (const field of same) {
      if (local[field] !== record[field]) throw new Error(`${record.name}: local ${field} ${local[field]} != central ${record[field]}`);
    }
    if (local.dataOffset + record.size > directory.directoryOffset) throw new Error(`${record.name}: data runs into the central directory`);
    const data = zip.subarray(local.dataOffset, local.dataOffset + record.size);
    const crc = crc32(data);
    if (crc !== record.crc32) throw new Error(`${record.name}: data CRC-32 ${crc.toString(16)} != central ${record.crc32.toString(16)}`);
    return { ...record, data, local };
  });
  return { directory, entries };
}

/** The entries of a ZIP as names and stored bytes (all of readZip's checks applied). */
export function zipEntries(zip: Uint8Array): Map<string, Uint8Array> {
  return new Map(readZip(zip).entries.map((e) => [e.name, e.data]));
}

/** A DOS date and time (4.4.6) as the UTC instant the platform writes them as. */
export function dosToDate(dosDate: number, dosTime: number): Date {
  return new Date(Date.UTC(1980 + (dosDate >> 9), ((dosDate >> 5) & 0xf) - 1, dosDate & 0x1f, dosTime >> 11, (dosTime >> 5) & 0x3f, (dosTime & 0x1f) * 2));
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), the checksum ZIP stores (4.4.7); runs in workerd and Node alike. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.byteLength; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
