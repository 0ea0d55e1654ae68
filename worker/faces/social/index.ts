import { publicRoute, type RouteAccess } from "../../auth/policy";
import { fastApiErrors } from "../../lib/error-format";
import { defineFace, faceRoute } from "../face";
import * as h from "./handlers";
import * as hlsHandlers from "./hls-handlers";
import * as hlsRoutes from "./hls-routes";
import * as routes from "./routes";

/**
 * Seed 002 under /api/v1. The document has no authentication and trusts `user_id`, so every route is
 * public; SOCIAL_WRITE_ACCESS=user makes uploads, removals and metadata changes require a credential, which
 * the handlers enforce (worker/faces/social/access.ts) because a route's policy is fixed at registration.
 * Reads and likes/comments/views share the generous "streaming" budget; uploads and changes the
 * "converter" one, and so do thumbnails, whose first request of a time and width runs the transcoder.
 */
const read: RouteAccess = publicRoute("streaming");
const write: RouteAccess = publicRoute("converter");

export const socialFace = defineFace({
  name: "social",
  errors: fastApiErrors,
  paths: ["/api/v1/stories/", "/api/v1/reels/", "/api/v1/likes/", "/api/v1/comments/", "/api/v1/views/", "/api/v1/video/", "/api/v1/photo/", "/api/v1/hls/"],
  cors: "default",
  routes: [
    faceRoute(routes.storyUpload, h.storyUpload, write),
    faceRoute(routes.storyList, h.storyList, read),
    faceRoute(routes.storyGet, h.storyGet, read),
    faceRoute(routes.storyVideoStatus, h.storyVideoStatus, read),
    faceRoute(routes.storyPreviewUpload, h.storyPreviewUpload, write),
    faceRoute(routes.storyPreviewGet, h.storyPreviewGet, read),
    faceRoute(routes.storyMetadata, h.storyMetadata, write),
    faceRoute(routes.storyRemove, h.storyRemove, write),
    faceRoute(routes.reelUpload, h.reelUpload, write),
    faceRoute(routes.reelList, h.reelList, read),
    faceRoute(routes.reelGet, h.reelGet, read),
    faceRoute(routes.reelPreviewUpload, h.reelPreviewUpload, write),
    faceRoute(routes.reelPreviewGet, h.reelPreviewGet, read),
    faceRoute(routes.reelMetadata, h.reelMetadata, write),
    faceRoute(routes.reelRemove, h.reelRemove, write),
    faceRoute(routes.likeAdd, h.likeAdd, read),
    faceRoute(routes.likeRemove, h.likeRemove, read),
    faceRoute(routes.commentAdd, h.commentAdd, read),
    faceRoute(routes.commentList, h.commentList, read),
    faceRoute(routes.commentRemove, h.commentRemove, write),
    faceRoute(routes.viewAdd, h.viewAdd, read),
    faceRoute(routes.viewList, h.viewList, read),
    faceRoute(routes.viewsByUser, h.viewsByUser, read),
    faceRoute(routes.viewsByStory, h.viewsByStory, read),
    faceRoute(routes.viewsByReel, h.viewsByReel, read),
    faceRoute(routes.viewRemove, h.viewRemove, write),
    faceRoute(routes.videoUpload, h.videoUpload, write),
    faceRoute(routes.videoStatus, h.videoStatus, read),
    faceRoute(routes.videoList, h.videoList, read),
    faceRoute(routes.videoRemove, h.videoRemove, write),
    faceRoute(routes.photoUpload, h.photoUpload, write),
    faceRoute(routes.photoStatus, h.photoStatus, read),
    faceRoute(routes.photoList, h.photoList, read),
    faceRoute(routes.photoRemove, h.photoRemove, write),
    faceRoute(hlsRoutes.hlsPlaylist, hlsHandlers.hlsPlaylist, read),
    faceRoute(hlsRoutes.hlsVideoPart, hlsHandlers.hlsVideoPart, read),
    faceRoute(hlsRoutes.hlsThumbnail, hlsHandlers.hlsThumbnail, write),
  ],
});
