/**
 * Every API face the Worker serves, one line each. The app registers their routes (most specific path
 * first, across faces), and the tests enumerate this same list.
 */
import { adminFace } from "./admin";
import { apiKeysFace } from "./api-keys";
import { archiverFace } from "./archiver";
import { converterFace } from "./converter";
import type { Face } from "./face";
import { progressFace } from "./progress";
import { saverFace } from "./saver";
import { socialFace } from "./social";
import { studioFace } from "./studio";
import { transcoderBlobsFace } from "./transcoder-blobs";

export const FACES: readonly Face[] = [saverFace, converterFace, apiKeysFace, adminFace, transcoderBlobsFace, socialFace, archiverFace, studioFace, progressFace];
