/**
 * Studio: the priority queue, compress to a target size, and analytics (charts and top URLs). The studio
 * API is public until its deployment sets STUDIO_API_TOKEN; the page sends the signed-in user's JWT when
 * there is one (api/client.ts), which that API also accepts, so jobs are then the user's own.
 */
import { usePageText } from "../../i18n";
import { AnalyticsSection } from "./analytics";
import { CompressSection } from "./compress";
import { QueueSection } from "./queue";
import { TEXT } from "./text";
import "./studio.css";

export function StudioPage() {
  const t = usePageText(TEXT);
  return (
    <>
      <h1>{t.studioHeading}</h1>
      <div class="studio-grid">
        <QueueSection />
        <CompressSection />
        <AnalyticsSection />
      </div>
    </>
  );
}
