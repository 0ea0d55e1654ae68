/**
 * Account: register (the account then waits for an operator's approval), sign in, and the signed-in
 * user's info from GET /api/user_info, API keys, and for admins the approvals and dead tasks. The token
 * from /api/login lives in memory only (api/session.ts).
 */
import { useEffect, useState } from "preact/hooks";
import { runAction, useFormAction } from "../../api/action";
import { api, errorText } from "../../api/client";
import { session, useSessionToken } from "../../api/session";
import { StatusLine, type Status } from "../../components/status-line";
import { formField } from "../../components/form-field";
import { usePageText, useText } from "../../i18n";
import { AdminSection } from "./admin";
import { ApiKeysSection } from "./keys";
import { TEXT } from "./text";
import "./account.css";

function RegisterForm() {
  const t = usePageText(TEXT);
  const { status, onSubmit } = useFormAction(async (form) => {
    const { error } = await api.POST("/api/register", {
      body: { username: formField(form, "username").value, email: formField(form, "email").value, password: formField(form, "password").value },
    });
    return error ? { kind: "error", text: `${t.registerFailed}: ${errorText(error) ?? ""}` } : { kind: "ok", text: t.registered };
  });
  return (
    <form class="card" onSubmit={onSubmit} aria-labelledby="register-heading" aria-describedby="register-status">
      <h2 id="register-heading">{t.registerHeading}</h2>
      <label for="register-username">{t.usernameLabel}</label>
      <input id="register-username" name="username" autocomplete="username" required minLength={3} maxLength={32} pattern="[A-Za-z0-9_.\-]+" />
      <label for="register-email">{t.emailLabel}</label>
      <input id="register-email" name="email" type="email" autocomplete="email" required maxLength={254} />
      <label for="register-password">{t.passwordLabel}</label>
      <input id="register-password" name="password" type="password" autocomplete="new-password" required minLength={6} maxLength={128} />
      <button type="submit" disabled={status.kind === "busy"}>{t.registerButton}</button>
      <StatusLine status={status} id="register-status" />
    </form>
  );
}

function LoginForm() {
  const t = usePageText(TEXT);
  const { status, setStatus, onSubmit } = useFormAction(async (form) => {
    const { data, error } = await api.POST("/api/login", {
      body: { username: formField(form, "username").value, password: formField(form, "password").value },
    });
    if (!data) return { kind: "error", text: `${t.loginFailed}: ${errorText(error) ?? ""}` };
    // Before the token: signing in unmounts this form.
    setStatus({ kind: "idle" });
    session.set(data.access_token);
  });
  return (
    <form class="card" onSubmit={onSubmit} aria-labelledby="login-heading" aria-describedby="login-status">
      <h2 id="login-heading">{t.loginHeading}</h2>
      <label for="login-username">{t.usernameLabel}</label>
      <input id="login-username" name="username" autocomplete="username" required maxLength={64} />
      <label for="login-password">{t.passwordLabel}</label>
      <input id="login-password" name="password" type="password" autocomplete="current-password" required maxLength={128} />
      <button type="submit" disabled={status.kind === "busy"}>{t.loginButton}</button>
      <StatusLine status={status} id="login-status" />
    </form>
  );
}

function UserInfo() {
  const t = usePageText(TEXT);
  const common = useText();
  const [user, setUser] = useState<string>();
  const [status, setStatus] = useState<Status>({ kind: "busy" });
  useEffect(() => {
    let live = true;
    void runAction(setStatus, common.networkError, async () => {
      const { data, error } = await api.GET("/api/user_info");
      if (!live) return;
      if (data) {
        setUser(data.user);
        return { kind: "idle" };
      }
      // An expired or revoked token: back to the sign-in form.
      setStatus({ kind: "error", text: errorText(error) ?? t.loginFailed });
      session.set(undefined);
    }, { busy: false, live: () => live });
    return () => {
      live = false;
    };
  }, []);
  return (
    <section class="card" aria-labelledby="user-heading">
      <h2 id="user-heading">{t.userInfoHeading}</h2>
      {user && (
        <p>
          {t.signedInAs} <strong data-testid="signed-in-user">{user}</strong>
        </p>
      )}
      <StatusLine status={status} id="user-status" />
      <button type="button" onClick={() => session.set(undefined)}>{t.logoutButton}</button>
    </section>
  );
}

export function AccountPage() {
  const t = usePageText(TEXT);
  const token = useSessionToken();
  return (
    <>
      <h1>{t.accountHeading}</h1>
      {token ? (
        // Keyed by the token: signing in as someone else starts every section afresh.
        <div class="account-signed-in" key={token}>
          <UserInfo />
          <ApiKeysSection />
          <AdminSection />
        </div>
      ) : (
        <div class="columns">
          <LoginForm />
          <RegisterForm />
        </div>
      )}
    </>
  );
}
