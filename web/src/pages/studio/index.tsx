/** Placeholder until the page is built: its heading only. */
import { useText } from "../../i18n";

export function StudioPage() {
  const t = useText();
  return <h1>{t.navStudio}</h1>;
}
