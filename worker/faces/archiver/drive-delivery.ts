/**
 * Delivery of an archived video and its metadata to Google Drive, when Drive is configured.
 * (Being wired to worker/integrations/google-drive.ts.)
 */
import type { ArchiverVideoRow } from "../../db/schema";
import { TaskError } from "../../tasks/errors";

export const driveConfigured = (env: Env): boolean => !!env.GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON;

export async function deliverToDrive(
  _env: Env,
  _video: ArchiverVideoRow,
  _opts: { parentFolderId: string | null; signal: AbortSignal },
): Promise<Partial<ArchiverVideoRow>> {
  throw new TaskError("drive.unavailable", "Google Drive delivery is not available in this build", false);
}
