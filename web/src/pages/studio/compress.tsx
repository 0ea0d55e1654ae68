/**
 * Compress to a target size. The compress API takes a studio file, so the page first downloads the pasted
 * TikTok URL through /api/v1/download (a cached video answers at once) and compresses its `file_path`.
 */
import { useState } from "preact/hooks";
import type { JSX } from "preact";
import { runAction } from "../../api/action";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { StatusLine, type Status } from "../../components/status-line";
import { formField } from "../../components/form-field";
import { usePageText, useText } from "../../i18n";
import { fill } from "../../i18n/fill";
import { studioErrorText } from "./errors";
import { TEXT } from "./text";

type Compression = components["schemas"]["StudioCompressResponse"];
type Quality = Compression["quality"];

export function CompressSection() {
  const t = usePageText(TEXT);
  const common = useText();
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Compression>();

  const onSubmit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const target = Number(formField(form, "target").value);
    const quality = formField(form, "quality").value as Quality;
    setResult(undefined);
    setBusy(true);
    // The status line names each step (downloading, compressing) rather than "busy"; the flag guards the button.
    await runAction(setStatus, common.networkError, async () => {
      setStatus({ kind: "ok", text: t.downloading });
      const downloaded = await api.POST("/api/v1/download", { body: { url: formField(form, "url").value.trim() } });
      if (!downloaded.data) return { kind: "error", text: `${t.compressFailed}: ${studioErrorText(t, common, downloaded.response.status, downloaded.error)}` };
      setStatus({ kind: "ok", text: t.compressing });
      const { data, error, response } = await api.POST("/api/v1/compress", {
        body: { input_path: downloaded.data.file_path, target_size_mb: target, quality },
      });
      if (!data) return { kind: "error", text: `${t.compressFailed}: ${studioErrorText(t, common, response.status, error)}` };
      setResult(data);
      return {
        kind: "ok",
        text: fill(t.compressed, { size: (data.file_size / 1_000_000).toFixed(2), percent: Math.round((data.file_size / (data.target_size_mb * 1_000_000)) * 100) }),
      };
    }, { busy: false });
    setBusy(false);
  };

  return (
    <form class="card" onSubmit={onSubmit} aria-labelledby="compress-heading" aria-describedby="compress-status">
      <h2 id="compress-heading">{t.compressHeading}</h2>
      <p>{t.compressIntro}</p>
      <label for="compress-url">{t.urlLabel}</label>
      <input id="compress-url" name="url" type="url" required maxLength={2048} />
      <label for="compress-target">{t.targetLabel}</label>
      <input id="compress-target" name="target" type="number" required min={0.01} max={8000} step={0.01} defaultValue="10" />
      <label for="compress-quality">{t.qualityLabel}</label>
      <select id="compress-quality" name="quality">
        <option value="low">{t.qualityLow}</option>
        <option value="medium" selected>{t.qualityMedium}</option>
        <option value="high">{t.qualityHigh}</option>
      </select>
      <button type="submit" disabled={busy}>{t.compressButton}</button>
      <StatusLine status={status} id="compress-status" />
      {/* The result line keeps its height while empty, so the page does not jump when the link appears. */}
      <p class="studio-result">{result && <a href={result.output_path} download>{t.resultLink}</a>}</p>
    </form>
  );
}
