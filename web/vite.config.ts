// The web app's build: Preact (small, React's API, maintained) with preact-iso's router, served by the
// Worker from Workers Static Assets under /app/ (wrangler.toml [assets], worker/web/static-assets.ts).
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "/app/",
  plugins: [preact()],
  build: {
    outDir: "dist/app",
    emptyOutDir: true,
    // Source maps stay out of the deployed assets; the size printed at build is what browsers load.
    sourcemap: false,
    // Read by scripts/build-web.mjs to size each page's initial JavaScript, then removed.
    manifest: true,
  },
});
