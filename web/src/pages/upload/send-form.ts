/**
 * One multipart upload over XMLHttpRequest: a File in a FormData is streamed from disk by the browser (a
 * 1 GB video is never read into memory) and `upload.onprogress` reports the bytes sent, which fetch with a
 * request body cannot. The signed-in user's token goes as a Bearer, as the API client sends it.
 */
import { session } from "../../api/session";

export interface SendResult {
  /** 0 when the request never got an answer (network down, aborted). */
  status: number;
  body: unknown;
}

export interface SendHandle {
  done: Promise<SendResult>;
  abort(): void;
}

export function sendForm(path: string, form: FormData, onProgress: (sent: number, total: number) => void): SendHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<SendResult>((resolve) => {
    xhr.open("POST", new URL(path, location.origin));
    const token = session.token();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.responseType = "text";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => resolve({ status: 0, body: undefined });
    xhr.onabort = () => resolve({ status: 0, body: undefined });
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
