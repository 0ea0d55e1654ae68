/**
 * The signed-in user's access token, in memory only: never in localStorage, a cookie or a URL, so a reload
 * signs the user out and a script injected later finds nothing stored. Components subscribe to changes.
 */
import { useEffect, useState } from "preact/hooks";

let accessToken: string | undefined;
const listeners = new Set<() => void>();

export const session = {
  token: () => accessToken,
  set(token: string | undefined) {
    accessToken = token;
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** The current token, re-rendering the component when the user signs in or out. */
export function useSessionToken(): string | undefined {
  const [token, setToken] = useState(session.token());
  useEffect(() => session.subscribe(() => setToken(session.token())), []);
  return token;
}
