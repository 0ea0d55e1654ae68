/** Rows → the document's response bodies (field names, ISO timestamps, statuses). */
import type { SocialMediaStatus, SocialPhotoRow, SocialReelRow, SocialStoryRow, SocialVideoRow } from "../../db/schema";

export const iso = (d: Date) => d.toISOString();

export const localizedOf = (r: Pick<SocialStoryRow, "enTitle" | "kkTitle" | "ruTitle" | "enDescription" | "kkDescription" | "ruDescription">) => ({
  en_title: r.enTitle,
  kk_title: r.kkTitle,
  ru_title: r.ruTitle,
  en_description: r.enDescription,
  kk_description: r.kkDescription,
  ru_description: r.ruDescription,
});

export const videoSummary = (v: SocialVideoRow) => ({
  id: v.id,
  filename: v.filename,
  status: v.status,
  error_message: v.errorMessage,
  en_title: v.enTitle,
  kk_title: v.kkTitle,
  ru_title: v.ruTitle,
});

export const storyPreviewPath = (id: number) => `/api/v1/stories/preview/${id}`;
export const reelPreviewPath = (id: number) => `/api/v1/reels/reels/preview/${id}`;

/** A story is as ready as its video; a story of photos only is ready at once. */
export const storyStatus = (video: SocialVideoRow | undefined): SocialMediaStatus => video?.status ?? "ready";
/** A reel whose video was removed has nothing to play. */
export const reelStatus = (video: SocialVideoRow | undefined): SocialMediaStatus => video?.status ?? "not_found";

export function presentStory(
  s: SocialStoryRow,
  video: SocialVideoRow | undefined,
  photos: Pick<SocialPhotoRow, "id" | "filename">[],
  likes: { count: number; liked: boolean },
) {
  return {
    id: s.id,
    photos: photos.map((p) => ({ id: p.id, filename: p.filename })),
    video: video ? videoSummary(video) : null,
    status: storyStatus(video),
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
    error_message: video?.errorMessage ?? null,
    likes_count: likes.count,
    preview_thumbnail_path: s.previewFileId ? storyPreviewPath(s.id) : null,
    is_liked: likes.liked,
    ...localizedOf(s),
  };
}

export interface ReelCommentView {
  user_id: number;
  text: string;
  created_at: string;
}

function reelCommon(r: SocialReelRow, video: SocialVideoRow | undefined, comments: ReelCommentView[], liked: boolean) {
  return {
    id: r.id,
    status: reelStatus(video),
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
    error_message: video?.errorMessage ?? null,
    likes_count: r.likesCount,
    comment_count: r.commentCount,
    views_count: r.viewsCount,
    preview_thumbnail_path: r.previewFileId ? reelPreviewPath(r.id) : null,
    comments,
    is_liked: liked,
    ...localizedOf(r),
  };
}

export const presentReelItem = (r: SocialReelRow, video: SocialVideoRow | undefined, comments: ReelCommentView[], liked: boolean) => ({
  ...reelCommon(r, video, comments, liked),
  video_id: r.videoId,
});

export const presentReel = (r: SocialReelRow, video: SocialVideoRow | undefined, comments: ReelCommentView[], liked: boolean) => ({
  ...reelCommon(r, video, comments, liked),
  video: video ? videoSummary(video) : null,
});

export const presentVideoStatus = (v: SocialVideoRow) => ({
  id: v.id,
  filename: v.filename,
  status: v.status,
  error_message: v.errorMessage,
  title: v.title,
  description: v.description,
});

export const presentVideoItem = (v: SocialVideoRow) => ({ ...presentVideoStatus(v), created_at: iso(v.createdAt), updated_at: iso(v.updatedAt) });

export const presentPhotoStatus = (p: SocialPhotoRow) => ({
  id: p.id,
  filename: p.filename,
  status: p.status,
  error_message: p.errorMessage,
  width: p.width,
  height: p.height,
});

export const presentPhotoItem = (p: SocialPhotoRow) => ({
  ...presentPhotoStatus(p),
  title: p.title,
  description: p.description,
  created_at: iso(p.createdAt),
  updated_at: iso(p.updatedAt),
});
