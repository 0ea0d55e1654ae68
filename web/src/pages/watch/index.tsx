/**
 * Watch (seed 002): the stories row, then the reels feed, newest first, one reel per screen height
 * (scroll-snap). Only the reel on screen loads its HLS stream and plays; the others show their poster (the
 * reel's preview, else a frame of its video). Likes, comments and views go through seed 002's endpoints.
 * `?reel=<id>` / `?story=<id>` (the Upload page's links) bring that reel to the top or open that story.
 */
import { useContext, useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { runAction } from "../../api/action";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { useSessionToken } from "../../api/session";
import { StatusLine, type Status } from "../../components/status-line";
import { LanguageContext, usePageText, useText, type Language } from "../../i18n";
import { fill } from "../../i18n/fill";
import { Comments, failureText, LikeButton, recordView, type Target } from "./engagement";
import { HlsVideo } from "./hls-video";
import { socialUserId } from "./identity";
import { TEXT } from "./text";
import "./watch.css";

type Reel = components["schemas"]["ReelListItem"];
type Story = components["schemas"]["Story"];
type Localized = Pick<Reel, "en_title" | "kk_title" | "ru_title" | "en_description" | "kk_description" | "ru_description">;

const PAGE_SIZE = 10;
const THUMBNAIL_WIDTH = 480;

/** The item's text in the reader's language, else in another one it has. */
function localized(item: Localized, language: Language, kind: "title" | "description"): string | undefined {
  const order: Language[] = [language, "en", "kk", "ru"];
  for (const l of order) {
    const value = item[`${l}_${kind}`];
    if (value) return value;
  }
  return undefined;
}

const thumbnail = (videoId: number) => `/api/v1/hls/thumbnail/${videoId}?time=1&width=${THUMBNAIL_WIDTH}`;
const reelPoster = (reel: Reel) => (reel.preview_thumbnail_path ? `/api/v1/reels/reels/preview/${reel.id}` : reel.video_id !== null ? thumbnail(reel.video_id) : undefined);
const storyPoster = (story: Story) => (story.preview_thumbnail_path ? `/api/v1/stories/preview/${story.id}` : story.video ? thumbnail(story.video.id) : undefined);

function ReelCard({ reel, active, userId, onChanged }: { reel: Reel; active: boolean; userId: number; onChanged: (id: number) => void }) {
  const t = usePageText(TEXT);
  const { language } = useContext(LanguageContext);
  const viewed = useRef(false);
  const title = localized(reel, language, "title") ?? fill(t.reelTitle, { id: reel.id });
  const description = localized(reel, language, "description");
  const target: Target = { reels_id: reel.id };
  const headingId = `reel-${reel.id}-title`;
  const onPlaying = () => {
    // One view per play of this reel on this page, not per resume after a pause or a stall.
    if (viewed.current) return;
    viewed.current = true;
    void recordView(target, userId).then(() => onChanged(reel.id));
  };
  useEffect(() => {
    if (!active) viewed.current = false;
  }, [active]);
  return (
    <article class="reel" data-reel-id={reel.id} aria-labelledby={headingId}>
      <div class="reel-media">
        {reel.video_id !== null ? (
          <HlsVideo videoId={reel.video_id} poster={reelPoster(reel)} active={active} title={title} onPlaying={onPlaying} />
        ) : (
          <p class="video-message">{t.goneVideo}</p>
        )}
      </div>
      <div class="reel-info">
        <h3 id={headingId}>{title}</h3>
        {description && <p class="reel-description">{description}</p>}
        <div class="reel-actions">
          <LikeButton target={target} userId={userId} liked={reel.is_liked} count={reel.likes_count} onChanged={() => onChanged(reel.id)} />
          <span class="count" data-testid="views-count">{fill(t.views, { n: reel.views_count })}</span>
        </div>
        <Comments target={target} userId={userId} count={reel.comment_count} idPrefix={`reel-${reel.id}`} onChanged={() => onChanged(reel.id)} />
      </div>
    </article>
  );
}

function StoryViewer({ story, userId, onClose, onChanged }: { story: Story; userId: number; onClose: () => void; onChanged: (id: number) => void }) {
  const t = usePageText(TEXT);
  const { language } = useContext(LanguageContext);
  const viewed = useRef(false);
  const title = localized(story, language, "title") ?? fill(t.storyTitle, { id: story.id });
  const description = localized(story, language, "description");
  const target: Target = { story_id: story.id };
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), [story.id]);
  return (
    <section class="story-viewer card" aria-labelledby="story-viewer-title" data-story-id={story.id}>
      <h3 id="story-viewer-title">{title}</h3>
      {description && <p>{description}</p>}
      {story.video ? (
        <HlsVideo
          videoId={story.video.id}
          poster={storyPoster(story)}
          active
          title={title}
          onPlaying={() => {
            if (viewed.current) return;
            viewed.current = true;
            void recordView(target, userId);
          }}
        />
      ) : (
        <p>{t.noVideo}</p>
      )}
      {story.photos.length > 0 && <p>{fill(t.storyPhotos, { n: story.photos.length })}</p>}
      <div class="reel-actions">
        <LikeButton target={target} userId={userId} liked={story.is_liked} count={story.likes_count} onChanged={() => onChanged(story.id)} />
        <button type="button" ref={close} onClick={onClose}>{t.closeStory}</button>
      </div>
    </section>
  );
}

function Stories({ userId, openId, onOpenChange }: { userId: number; openId: number | undefined; onOpenChange: (open: boolean) => void }) {
  const t = usePageText(TEXT);
  const common = useText();
  const { language } = useContext(LanguageContext);
  const [stories, setStories] = useState<Story[]>();
  const [status, setStatus] = useState<Status>({ kind: "busy" });
  const [open, setOpen] = useState<Story>();
  useEffect(() => onOpenChange(open !== undefined), [open !== undefined]);

  useEffect(() => {
    let live = true;
    void runAction(setStatus, common.networkError, async () => {
      const { data, error, response } = await api.GET("/api/v1/stories/list", { params: { query: { user_id: userId, limit: 20, offset: 0 } } });
      if (!live) return;
      setStories(data);
      return data ? { kind: "idle" } : { kind: "error", text: fill(t.loadFailed, { reason: failureText(error, response) }) };
    }, { busy: false, live: () => live });
    return () => {
      live = false;
    };
  }, [userId]);

  const reload = async (id: number) => {
    const { data } = await api.GET("/api/v1/stories/{story_id}", { params: { path: { story_id: id }, query: { user_id: userId } } });
    if (!data) return;
    setStories((all) => all?.map((s) => (s.id === id ? data : s)));
    setOpen((current) => (current?.id === id ? data : current));
  };

  useEffect(() => {
    if (openId === undefined) return;
    void api.GET("/api/v1/stories/{story_id}", { params: { path: { story_id: openId }, query: { user_id: userId } } }).then(({ data }) => data && setOpen(data));
  }, [openId, userId]);

  return (
    <section aria-labelledby="stories-heading" class="stories">
      <h2 id="stories-heading">{t.storiesHeading}</h2>
      {stories && stories.length === 0 && <p>{t.noStories}</p>}
      {stories && stories.length > 0 && (
        <ul class="story-row">
          {stories.map((s) => {
            const title = localized(s, language, "title") ?? fill(t.storyTitle, { id: s.id });
            const poster = storyPoster(s);
            return (
              <li key={s.id}>
                <button type="button" class="story-button" aria-pressed={open?.id === s.id} aria-label={fill(t.openStory, { title })} onClick={() => setOpen(s)}>
                  {poster ? <img src={poster} alt="" width={72} height={72} loading="lazy" /> : <span class="story-placeholder" aria-hidden="true" />}
                  <span class="story-name" aria-hidden="true">{title}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <StatusLine status={status} id="stories-status" />
      {open && <StoryViewer key={open.id} story={open} userId={userId} onClose={() => setOpen(undefined)} onChanged={(id) => void reload(id)} />}
    </section>
  );
}

/**
 * The reel whose card is most on screen (at least 60 % of it, inside the feed and the window); it alone
 * plays, so a feed scrolled out of sight plays nothing.
 */
function useActiveReel(feed: { current: HTMLElement | null }, reels: Reel[] | undefined): number | undefined {
  const [active, setActive] = useState<number>();
  useEffect(() => {
    const root = feed.current;
    if (!root || !reels?.length) return;
    const ratios = new Map<number, number>();
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) ratios.set(Number((entry.target as HTMLElement).dataset.reelId), entry.intersectionRatio);
        let best: [number, number] | undefined;
        for (const [id, ratio] of ratios) if (ratio >= 0.6 && (!best || ratio > best[1])) best = [id, ratio];
        setActive((current) => (best ? best[0] : ratios.get(current ?? -1) ? current : undefined));
      },
      { threshold: [0, 0.6, 0.8, 1] },
    );
    for (const card of root.querySelectorAll<HTMLElement>("[data-reel-id]")) observer.observe(card);
    return () => observer.disconnect();
  }, [feed, reels?.map((r) => r.id).join(",")]);
  return active;
}

export function WatchPage() {
  const t = usePageText(TEXT);
  const common = useText();
  const { query } = useLocation();
  const token = useSessionToken();
  const userId = socialUserId(token);
  const wantedReel = query.reel ? Number(query.reel) : undefined;
  const wantedStory = query.story ? Number(query.story) : undefined;
  const [reels, setReels] = useState<Reel[]>();
  const [hasMore, setHasMore] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: "busy" });
  const feed = useRef<HTMLDivElement>(null);
  const onScreen = useActiveReel(feed, reels);
  const [storyOpen, setStoryOpen] = useState(false);
  // An open story plays instead of the feed: one sound at a time.
  const active = storyOpen ? undefined : onScreen;

  const loadPage = (offset: number) =>
    runAction(setStatus, common.networkError, async () => {
      const { data, error, response } = await api.GET("/api/v1/reels/reels/list", {
        params: { query: { user_id: userId, limit: PAGE_SIZE, offset, sort_by: "created_at", order: "desc" } },
      });
      if (!data) return { kind: "error", text: fill(t.loadFailed, { reason: failureText(error, response) }) };
      let items = data.items;
      // A reel asked for by link but not on the first page goes first.
      if (offset === 0 && wantedReel !== undefined && !items.some((r) => r.id === wantedReel)) {
        const one = await api.GET("/api/v1/reels/reels/{reels_id}", { params: { path: { reels_id: wantedReel }, query: { user_id: userId } } });
        if (one.data) items = [{ ...one.data, video_id: one.data.video?.id ?? null }, ...items];
      }
      setReels((before) => (offset === 0 ? items : [...(before ?? []), ...items.filter((r) => !before?.some((b) => b.id === r.id))]));
      setHasMore(data.items.length === PAGE_SIZE);
      return { kind: "idle" };
    });

  useEffect(() => {
    void loadPage(0);
  }, [userId, wantedReel]);

  useEffect(() => {
    if (wantedReel === undefined || !reels) return;
    feed.current?.querySelector(`[data-reel-id="${wantedReel}"]`)?.scrollIntoView({ block: "start" });
  }, [wantedReel, reels !== undefined]);

  const reload = async (id: number) => {
    const { data } = await api.GET("/api/v1/reels/reels/{reels_id}", { params: { path: { reels_id: id }, query: { user_id: userId } } });
    if (data) setReels((all) => all?.map((r) => (r.id === id ? { ...data, video_id: data.video?.id ?? null } : r)));
  };

  return (
    <>
      <h1>{t.heading}</h1>
      <Stories userId={userId} openId={wantedStory} onOpenChange={setStoryOpen} />
      <section aria-labelledby="reels-heading" class="reels">
        <h2 id="reels-heading">{t.reelsHeading}</h2>
        <StatusLine status={status} id="reels-status" />
        {reels && reels.length === 0 && <p>{t.noReels}</p>}
        {reels && reels.length > 0 && (
          <div class="reel-feed" ref={feed} tabIndex={0} role="region" aria-label={t.feedLabel}>
            {reels.map((r) => (
              <ReelCard key={r.id} reel={r} active={active === r.id} userId={userId} onChanged={(id) => void reload(id)} />
            ))}
            {hasMore && (
              <button type="button" class="load-more" onClick={() => void loadPage(reels.length)}>
                {t.loadMore}
              </button>
            )}
          </div>
        )}
      </section>
    </>
  );
}
