/**
 * The studio's analytics as charts (chart.js 4 from charts.ts: only the parts used, loaded on demand) and
 * the most requested URLs.
 * Each chart has a text alternative: an aria-label with today's figures on the canvas and a visually hidden
 * table of every day, for screen readers and anyone who cannot read a chart.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { runAction } from "../../api/action";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable } from "../../components/data-table";
import { StatusLine, type Status } from "../../components/status-line";
import { usePageText, useText } from "../../i18n";
import { fill } from "../../i18n/fill";
import { studioErrorText } from "./errors";
import { TEXT } from "./text";

type StudioStats = components["schemas"]["StudioStats"];
type Day = StudioStats["daily"][number];
type TopUrl = components["schemas"]["StudioTopUrls"]["urls"][number];

interface Series {
  label: string;
  value: (day: Day) => number;
  color: string;
}

/** One chart over the days (oldest on the left) with its text alternative. */
function DailyChart({ id, title, kind, days, series }: { id: string; title: string; kind: "bar" | "line"; days: Day[]; series: Series[] }) {
  const t = usePageText(TEXT);
  const canvas = useRef<HTMLCanvasElement>(null);
  const oldestFirst = [...days].reverse();
  const today = days[0];

  useEffect(() => {
    let live = true;
    let chart: { destroy(): void } | undefined;
    void import("./charts").then(({ Chart }) => {
      if (!live || !canvas.current) return;
      chart = new Chart(canvas.current, {
        type: kind,
        data: {
          labels: oldestFirst.map((d) => d.date.slice(5)),
          datasets: series.map((s) => ({ label: s.label, data: oldestFirst.map(s.value), backgroundColor: s.color, borderColor: s.color })),
        },
        // No animation: the figures are there at once, and nothing moves for people who avoid motion.
        options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
      });
    }).catch(() => {
      // The chart code could not be loaded (offline mid-visit): the figures stay readable in the text alternative.
    });
    return () => {
      live = false;
      chart?.destroy();
    };
  }, [days, kind, series]);

  const summary = today
    ? fill(t.chartSummary, { title, date: today.date, values: series.map((s) => `${s.label} ${s.value(today)}`).join(", ") })
    : title;
  return (
    <figure class="studio-chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {/* The chart's box is sized by CSS, so drawing it does not move what is below. */}
      <div class="studio-chart-box">
        <canvas ref={canvas} role="img" aria-label={summary} data-testid={`${id}-canvas`} />
      </div>
      <table class="visually-hidden" data-testid={`${id}-table`}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t.colDate}</th>
            {series.map((s) => (
              <th scope="col" key={s.label}>{s.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.date}>
              <th scope="row">{d.date}</th>
              {series.map((s) => (
                <td key={s.label}>{s.value(d)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function AnalyticsSection() {
  const t = usePageText(TEXT);
  const common = useText();
  const [days, setDays] = useState(7);
  const [stats, setStats] = useState<StudioStats>();
  const [top, setTop] = useState<TopUrl[]>();
  const [status, setStatus] = useState<Status>({ kind: "busy" });

  useEffect(() => {
    let live = true;
    void runAction(setStatus, common.networkError, async () => {
      const [s, tp] = await Promise.all([api.GET("/api/v1/analytics/stats", { params: { query: { days } } }), api.GET("/api/v1/analytics/top", { params: { query: { limit: 10 } } })]);
      if (!live) return;
      if (s.data) setStats(s.data);
      if (tp.data) setTop(tp.data.urls);
      const failed = s.error ? s.response : tp.error ? tp.response : undefined;
      return failed ? { kind: "error", text: `${t.loadFailed}: ${studioErrorText(t, common, failed.status, s.error ?? tp.error)}` } : { kind: "idle" };
    }, { live: () => live });
    return () => {
      live = false;
    };
  }, [days]);

  // Kept stable across renders, so a chart is rebuilt only when its figures change.
  const [requestSeries, timeSeries] = useSeries(t);

  return (
    <section class="card studio-wide" aria-labelledby="analytics-heading">
      <h2 id="analytics-heading">{t.analyticsHeading}</h2>
      <div class="studio-toolbar">
        <label for="analytics-days">{t.daysLabel}</label>
        <select id="analytics-days" value={String(days)} onChange={(e) => setDays(Number(e.currentTarget.value))}>
          <option value="7">{t.days7}</option>
          <option value="30">{t.days30}</option>
        </select>
      </div>
      <StatusLine status={status} id="analytics-status" />
      {stats && (
        <div class="studio-charts">
          <DailyChart id="chart-requests" title={t.requestsChart} kind="bar" days={stats.daily} series={requestSeries} />
          <DailyChart id="chart-time" title={t.timeChart} kind="line" days={stats.daily} series={timeSeries} />
        </div>
      )}
      <h3 id="top-heading">{t.topHeading}</h3>
      <DataTable
        labelledBy="top-heading"
        testId="top-urls"
        columns={[t.colUrl, t.colRequests]}
        rows={top}
        empty={t.noTopUrls}
        row={(u) => (
          <tr key={u.url}>
            <td class="studio-url">{u.url}</td>
            <td>{u.requests}</td>
          </tr>
        )}
      />
    </section>
  );
}

/** The two charts' series in the page's language, the same arrays until the language changes. */
function useSeries(t: (typeof TEXT)["en"]): [Series[], Series[]] {
  return useMemo(
    () => [
      [
        { label: t.seriesRequests, value: (d) => d.requests, color: "#14213d" },
        { label: t.seriesDownloads, value: (d) => d.downloads, color: "#2a9d8f" },
        { label: t.seriesFailures, value: (d) => d.failures, color: "#c1121f" },
      ],
      [{ label: t.seriesTime, value: (d) => d.average_processing_time, color: "#7b2cbf" }],
    ],
    [t],
  );
}
