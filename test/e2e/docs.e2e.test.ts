import { describe, expect, it } from "vitest";
import { api } from "./support/client";

describe("API documentation", () => {
  it("should describe every served route in /openapi.json and serve Swagger UI and ReDoc", async () => {
    const spec = (await (await api("/openapi.json")).json()) as { openapi: string; paths: Record<string, object> };
    expect(spec.openapi).toBe("3.1.0");
    for (const path of ["/download", "/stream/{filename}", "/api/ping", "/api/register", "/api/login", "/api/user_info", "/api/youtube/convert", "/api/instagram/download", "/api/tiktok/delete", "/api/logs", "/api/stats"]) {
      expect(spec.paths, path).toHaveProperty([path]);
    }
    const docs = await api("/docs");
    expect(docs.headers.get("Content-Type")).toMatch(/text\/html/);
    expect(await docs.text()).toMatch(/swagger-ui/i);
    const redoc = await api("/redoc");
    expect(await redoc.text()).toContain('spec-url="/openapi.json"');
  });
});
