/**
 * Per-operation scratch directories under WORK_DIR. Everything an operation writes (downloads, yt-dlp's
 * HOME and cache, converted files, the zip) lives in one, and it is removed when the operation ends,
 * however it ends.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";

export type WorkDir = { path: string; remove(): Promise<void> };

export const createWorkDir = async (root: string, label: string): Promise<WorkDir> => {
  await mkdir(root, { recursive: true });
  const safeLabel = label.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40) || "op";
  const dir = await mkdtemp(path.join(root, `${safeLabel}-`));
  return {
    path: dir,
    // Retries cover a child that was just killed and still holds a file for a moment.
    remove: () => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }),
  };
};
