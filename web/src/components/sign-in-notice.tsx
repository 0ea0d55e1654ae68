/** What a page that needs an account shows to a visitor who is not signed in. */
import { useText } from "../i18n";

export function SignInNotice() {
  const t = useText();
  return (
    <p class="notice">
      <a href="/app/account">{t.signInRequired}</a>
    </p>
  );
}
