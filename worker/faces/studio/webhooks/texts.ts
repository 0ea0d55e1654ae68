/** What the bot writes to chats (Telegram and WhatsApp alike). */
export const TEXT = {
  processing: "Processing your video… I'll send the edited version here when it's ready.",
  help: "Send me a TikTok video link (https://www.tiktok.com/@user/video/…) and I'll send back an edited version.",
  ready: "Here is your edited video.",
  readyAsLink: (url: string) => `Your edited video is ready: ${url} (the link expires in 24 hours).`,
  cancelled: "Processing of your video was cancelled.",
  failed: (reason: string | null | undefined) =>
    `Sorry, I couldn't process that video${reason ? `: ${reason.slice(0, 300)}` : "."}`,
} as const;

/**
 * What a chat is told of why its video failed: the source's own wording (private, missing, too large),
 * which the sender can act on; never the text of an internal failure (an ffmpeg line, a stack of causes).
 */
export const chatFailureReason = (task: { errorCode: string | null; errorMessage: string | null }): string | undefined =>
  task.errorCode?.startsWith("source.") && task.errorMessage ? task.errorMessage : undefined;
