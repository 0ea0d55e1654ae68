/**
 * The /docs (Swagger UI) and /redoc pages. Their scripts and styles come from this Worker's own static
 * assets (web/dist/docs-assets, copied from the swagger-ui-dist and redoc npm packages at build), so the
 * pages render with no internet; test/e2e/docs-offline.e2e.test.ts opens them with every other host blocked.
 */
import { DOCS_ASSETS_PREFIX } from "./static-assets";

const head = (title: string, extra = "") =>
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"/><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"/>${extra}</head>`;

// validatorUrl: null, or Swagger UI asks validator.swagger.io to check the document on every page load.
export const SWAGGER_PAGE = `${head("Media platform API — Swagger UI", `\n<link rel="stylesheet" href="${DOCS_ASSETS_PREFIX}swagger-ui/swagger-ui.css"/>`)}
<body><div id="swagger-ui"></div>
<script src="${DOCS_ASSETS_PREFIX}swagger-ui/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", validatorUrl: null, deepLinking: true });</script>
</body></html>`;

export const REDOC_PAGE = `${head("Media platform API — ReDoc")}
<body><redoc spec-url="/openapi.json"></redoc>
<script src="${DOCS_ASSETS_PREFIX}redoc/redoc.standalone.js"></script></body></html>`;
