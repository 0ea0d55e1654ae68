// The local development settings `npm run setup` writes to .dev.vars. `wrangler dev` reads from that file
// only what wrangler.toml declares (a [vars] name or a [secrets] required name): anything else is dropped
// silently, so test/e2e/dev-vars.e2e.test.ts checks every name here is declared.
import { randomBytes } from "node:crypto";

const secret = () => randomBytes(48).toString("base64url");

/** Name → value; secrets are fresh random values each time the file is written. */
export function devVars() {
  return {
    APP_ENV: "development",
    PUBLIC_BASE_URL: "http://127.0.0.1:8787",
    TRANSCODER_URL: "http://127.0.0.1:8788",
    JWT_SECRET: secret(),
    BLOB_SIGNING_SECRET: secret(),
    TRANSCODER_TOKEN: secret(),
  };
}
