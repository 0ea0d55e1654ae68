/**
 * The multipart bodies of seed 002's uploads, declared once: `readMultipart` enforces them while the files
 * stream into R2, and `multipartBody` documents the same declarations in OpenAPI.
 */
import type { MultipartSpec, TextFieldSpec } from "../../media/uploads";

const GIB = 1024 ** 3;
/** A story's or reel's video, or a standalone one: the transcoder takes up to 2 GiB per file. */
export const MAX_VIDEO_BYTES = 2 * GIB;
/** Photos and previews are decoded by players and probed here: 50 MiB is generous for a still image. */
export const MAX_IMAGE_BYTES = 50 * 1024 ** 2;
/** Files of one story: videos and photos mixed, at most one of them a video (a story has one `video_id`). */
export const MAX_STORY_FILES = 20;

export const TITLE_MAX = 100;
export const DESCRIPTION_MAX = 1000;

const text = (maxLength: number, description: string): TextFieldSpec => ({ maxLength, description });

/** en/kk/ru titles (≤ 100 characters) and descriptions (≤ 1000), as the document lists them. */
export const LOCALIZED_FIELDS = {
  en_title: text(TITLE_MAX, "Title in English"),
  kk_title: text(TITLE_MAX, "Title in Kazakh"),
  ru_title: text(TITLE_MAX, "Title in Russian"),
  en_description: text(DESCRIPTION_MAX, "Description in English"),
  kk_description: text(DESCRIPTION_MAX, "Description in Kazakh"),
  ru_description: text(DESCRIPTION_MAX, "Description in Russian"),
};
export type LocalizedField = keyof typeof LOCALIZED_FIELDS;

export const STORY_UPLOAD = {
  files: {
    files: {
      maxCount: MAX_STORY_FILES,
      maxBytes: MAX_VIDEO_BYTES,
      accept: ["video", "image"],
      required: true,
      description: "Photos and at most one video, in any order",
    },
  },
  text: LOCALIZED_FIELDS,
} satisfies MultipartSpec;

export const REEL_UPLOAD = {
  files: { file: { maxCount: 1, maxBytes: MAX_VIDEO_BYTES, accept: ["video"], required: true, description: "The reel's video" } },
  text: LOCALIZED_FIELDS,
} satisfies MultipartSpec;

/** Standalone videos and photos carry one title and one description, without a documented length. */
const PLAIN_FIELDS = { title: text(DESCRIPTION_MAX, "Title"), description: text(10_000, "Description") };

export const VIDEO_UPLOAD = {
  files: { file: { maxCount: 1, maxBytes: MAX_VIDEO_BYTES, accept: ["video"], required: true } },
  text: PLAIN_FIELDS,
} satisfies MultipartSpec;

export const PHOTO_UPLOAD = {
  files: { file: { maxCount: 1, maxBytes: MAX_IMAGE_BYTES, accept: ["image"], required: true, description: "PNG, JPEG, WebP or GIF" } },
  text: PLAIN_FIELDS,
} satisfies MultipartSpec;

export const PREVIEW_UPLOAD = {
  files: { file: { maxCount: 1, maxBytes: MAX_IMAGE_BYTES, accept: ["image"], required: true, description: "PNG, JPEG, WebP or GIF" } },
  text: {},
} satisfies MultipartSpec;
