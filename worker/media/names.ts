/**
 * Public file names: what clients put in URLs and bodies to address a stored file. A name is looked up in
 * D1 (`file_names`), never used as an R2 key, and anything path-like is refused before the lookup: one
 * plain-file-name rule for every face and for the transcoder's signed blob names.
 */
const PUBLIC_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

export const isPublicName = (name: string): boolean => PUBLIC_NAME.test(name) && !name.includes("..");

/** `clip.MP4` → `mp4`; the part after the last dot, lower-cased. */
export const extensionOf = (name: string): string => name.slice(name.lastIndexOf(".") + 1).toLowerCase();
