/** `GET /jobs/{id}/archive.zip`: the job's archived videos under their folder paths, plus `metadata.json`. */
import { getFilesByIds } from "../../media/store";
import { zipResponse, type ZipFileEntry } from "../../media/zip";
import { getJob, jobVideos } from "./jobs";
import { presentVideo } from "./presenters";

export async function jobArchiveResponse(env: Env, jobId: string): Promise<Response> {
  const job = await getJob(env, jobId);
  const videos = await jobVideos(env, jobId);
  const archived = videos.filter((v) => v.status === "uploaded" && v.fileId);
  const filesById = new Map((await getFilesByIds(env, archived.map((v) => v.fileId!))).map((f) => [f.id, f]));
  const entries: ZipFileEntry[] = [];
  for (const v of archived) {
    const file = filesById.get(v.fileId!);
    if (!file) continue;
    const extension = /\.[a-z0-9]{2,4}$/i.exec(file.r2Key)?.[0] ?? ".mp4";
    entries.push({ name: `${v.folderPath}/${v.id}${extension}`, file });
  }
  const metadata = new TextEncoder().encode(JSON.stringify({ job, videos: videos.map(presentVideo) }, null, 2));
  return zipResponse(env, entries, [{ name: "metadata.json", bytes: metadata, lastModified: new Date() }], `tiktok-archive-${job.mode}-${job.value}-${job.id.slice(0, 8)}.zip`);
}
