/**
 * A progress bar with its label and percentage: a native <progress> (announced by screen readers with its
 * value), in a box of fixed height so updates never move the page (no layout shift). Without a value it is
 * indeterminate (waiting for the first event).
 */
export function ProgressBar({ label, value, detail }: { label: string; value: number | undefined; detail?: string }) {
  const percent = value === undefined ? undefined : Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div class="progress">
      <div class="progress-text">
        <span>{label}</span>
        <span aria-hidden="true">{percent === undefined ? "" : `${percent}%`}</span>
      </div>
      <progress max={100} value={percent} aria-label={label} aria-valuetext={detail ?? (percent === undefined ? undefined : `${percent}%`)} />
      <div class="progress-detail">{detail ?? ""}</div>
    </div>
  );
}
