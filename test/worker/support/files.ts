import { nameFile, putStream, registerFile } from "../../../worker/media/store";

/** Deterministic bytes: byte i is i mod 251, so any range's content can be checked. */
export function patternBytes(size: number, offset = 0): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (offset + i) % 251;
  return out;
}

export function streamOf(bytes: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let pos = 0;
  return new ReadableStream({
    pull(controller) {
      if (pos >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(pos, pos + chunk));
      pos += chunk;
    },
  });
}

/** Store bytes in R2 and give them a public name, as a finished download would. */
export async function seedNamedFile(
  env: Env,
  opts: { namespace: string; name: string; bytes: Uint8Array; contentType?: string; ownerUserId?: number | null; lastAccessedAt?: number },
) {
  const key = `test/${crypto.randomUUID()}/${opts.name}`;
  const put = await putStream(env.MEDIA, key, streamOf(opts.bytes), {
    contentType: opts.contentType ?? "video/mp4",
    length: opts.bytes.byteLength,
    maxBytes: 1 << 30,
  });
  const file = await registerFile(env, { key, size: put.size, contentType: opts.contentType ?? "video/mp4", etag: put.etag, crc32: put.crc32 }, opts.lastAccessedAt);
  const named = await nameFile(env, { namespace: opts.namespace, publicName: opts.name, fileId: file.id, ownerUserId: opts.ownerUserId ?? null });
  if (!named.ok) throw new Error(`seed name ${opts.name} is taken`);
  const name = named.name;
  return { key, file, name };
}
