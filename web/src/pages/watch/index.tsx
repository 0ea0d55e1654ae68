/** Placeholder until the page is built: its heading only. */
import { useText } from "../../i18n";

export function WatchPage() {
  const t = useText();
  return <h1>{t.navWatch}</h1>;
}
