/** Placeholder until the page is built: its heading only. */
import { useText } from "../../i18n";

export function SavePage() {
  const t = useText();
  return <h1>{t.navSave}</h1>;
}
