/**
 * What a resolver hands the fetch operation: the post's metadata and its items in post order. A video
 * item carries yt-dlp's entry (formats are chosen later, by the selection); an image item its URL.
 * `index` is the item's position in the post, so outputs keep their place whatever is selected.
 */
import type { FetchSelection, PostMetadata } from "../../../../protocol/transcoder.ts";
import type { FetchContext } from "../lib/guarded-fetch.ts";
import type { Result } from "../lib/result.ts";
import type { YtDlpContext } from "../lib/ytdlp.ts";
import type { YtDlpEntry } from "../lib/ytdlp-info.ts";

export type PostItem = { kind: "video"; index: number; entry: YtDlpEntry } | { kind: "image"; index: number; url: string };

export type ResolvedPost = {
  title: string;
  sourceId: string | undefined;
  uploader: string | undefined;
  items: PostItem[];
  /** What the source says about the post, for services whose resolver reads it. */
  metadata?: PostMetadata;
};

export type ResolveContext = {
  selection: FetchSelection;
  fetch: FetchContext;
  ytDlp: YtDlpContext;
};

export type ServiceResolver = {
  /** Registrable domains of the service; subdomains match too. */
  hosts: readonly string[];
  resolve(url: URL, ctx: ResolveContext): Promise<Result<ResolvedPost>>;
};

/** Titles go into FetchResult, which caps them at 500 characters. */
export const clampTitle = (title: string | undefined, fallback: string): string => (title?.trim() || fallback).slice(0, 500);

export const clampId = (value: string | undefined): string | undefined => value?.slice(0, 200);
