/**
 * The signed-in user's API keys: create (the full key is in the create answer only, so the page shows it
 * once, read-only, with a Copy button), list with created / last used, revoke after a confirmation.
 */
import { useCallback, useEffect, useState } from "preact/hooks";
import { runAction, useFormAction } from "../../api/action";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable } from "../../components/data-table";
import { StatusLine, type Status } from "../../components/status-line";
import { formField } from "../../components/form-field";
import { usePageText, useText } from "../../i18n";
import { fill } from "../../i18n/fill";
import { accountErrorText } from "./errors";
import { TEXT } from "./text";

type ApiKey = components["schemas"]["ApiKey"];

const when = (iso: string | null, never: string) => (iso ? new Date(iso).toLocaleString() : never);

export function ApiKeysSection() {
  const t = usePageText(TEXT);
  const common = useText();
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [newKey, setNewKey] = useState<string>();
  const [copyStatus, setCopyStatus] = useState<Status>({ kind: "idle" });
  const [listStatus, setListStatus] = useState<Status>({ kind: "idle" });

  const load = useCallback(() => runAction(setListStatus, common.networkError, async () => {
    const { data, error, response } = await api.GET("/api/keys");
    if (!data) return { kind: "error", text: `${t.loadFailed}: ${accountErrorText(t, common, response.status, error)}` };
    setKeys(data.keys);
    return { kind: "idle" };
  }, { busy: false }), [t, common]);

  useEffect(() => void load(), []);

  const { status, setStatus, onSubmit: onCreate } = useFormAction(async (form) => {
    setCopyStatus({ kind: "idle" });
    const { data, error, response } = await api.POST("/api/keys", { body: { name: formField(form, "name").value.trim() } });
    if (!data) return { kind: "error", text: `${t.keyCreateFailed}: ${accountErrorText(t, common, response.status, error)}` };
    setNewKey(data.key);
    setStatus({ kind: "ok", text: t.keyCreated });
    form.reset();
    await load();
  });

  const onCopy = async () => {
    if (!newKey) return;
    try {
      await navigator.clipboard.writeText(newKey);
      setCopyStatus({ kind: "ok", text: t.copied });
    } catch {
      setCopyStatus({ kind: "error", text: t.copyFailed });
    }
  };

  const onRevoke = async (key: ApiKey) => {
    if (!confirm(fill(t.revokeConfirm, { name: key.name }))) return;
    await runAction(setStatus, common.networkError, async () => {
      const { data, error, response } = await api.DELETE("/api/keys/{key_id}", { params: { path: { key_id: key.id } } });
      setStatus(data ? { kind: "ok", text: t.keyRevoked } : { kind: "error", text: `${t.revokeFailed}: ${accountErrorText(t, common, response.status, error)}` });
      await load();
    });
  };

  return (
    <section class="card" aria-labelledby="keys-heading">
      <h2 id="keys-heading">{t.keysHeading}</h2>
      <p>{t.keysIntro}</p>
      <form class="account-inline-form" onSubmit={onCreate} aria-label={t.createKeyButton} aria-describedby="keys-status">
        <label for="key-name">{t.keyNameLabel}</label>
        <input id="key-name" name="name" required minLength={1} maxLength={100} />
        <button type="submit" disabled={status.kind === "busy"}>{t.createKeyButton}</button>
      </form>
      <StatusLine status={status} id="keys-status" />
      {newKey && (
        <div class="account-new-key">
          <label for="new-key">{t.newKeyLabel}</label>
          <div class="account-copy-row">
            <input id="new-key" readOnly value={newKey} onFocus={(e) => e.currentTarget.select()} spellcheck={false} />
            <button type="button" onClick={onCopy}>{t.copyButton}</button>
          </div>
          <StatusLine status={copyStatus} id="copy-status" />
        </div>
      )}
      <DataTable
        caption={{ text: t.keysCaption }}
        columns={[t.colName, t.colPrefix, t.colCreated, t.colLastUsed, t.colActions]}
        rows={keys}
        empty={t.noKeys}
        row={(key) => (
          <tr key={key.id}>
            <td>{key.name}</td>
            <td>
              <code>{key.prefix}…</code>
            </td>
            <td>{when(key.created_at, t.neverUsed)}</td>
            <td>{when(key.last_used_at, t.neverUsed)}</td>
            <td>
              {key.revoked_at ? (
                t.revoked
              ) : (
                <button type="button" class="account-small-button" aria-label={fill(t.revokeButton, { name: key.name })} onClick={() => void onRevoke(key)}>
                  {t.revokeShort}
                </button>
              )}
            </td>
          </tr>
        )}
      />
      <StatusLine status={listStatus} id="keys-list-status" />
    </section>
  );
}
