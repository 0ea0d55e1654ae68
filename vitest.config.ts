import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Three projects, one command:
 * - worker:     the Worker inside workerd with real D1 / R2 / Queues / Durable Objects (miniflare)
 * - transcoder: the transcoder's modules in Node against real ffmpeg / yt-dlp and the fixture server
 * - e2e:        the real `wrangler dev` + transcoder process + fixture server, over loopback HTTP
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      reporters: ["default"],
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  APP_ENV: "test",
                  PUBLIC_BASE_URL: "http://127.0.0.1:8787",
                  JWT_SECRET: "test-jwt-secret-test-jwt-secret-test-jwt-secret-0123456789",
                  BLOB_SIGNING_SECRET: "test-blob-secret-test-blob-secret-0123456789abcdef",
                  // Nothing listens on port 9: media work is not possible inside workerd tests (the
                  // transcoder's callbacks need a listening Worker); the e2e project covers that path.
                  TRANSCODER_URL: "http://127.0.0.1:9",
                  SYNC_TASK_TIMEOUT_SECONDS: "5",
                  TASK_RETRY_BASE_SECONDS: "1",
                  // Signed-in tests make many calls as one user; the saver and auth policies keep their
                  // real figures because the rate-limit tests measure them.
                  CONVERTER_RATE_PER_MINUTE: "100000",
                  CONVERTER_RATE_BURST: "100000",
                  ADMIN_RATE_PER_MINUTE: "100000",
                  ADMIN_RATE_BURST: "100000",
                  // Seed 004's per-key limit (10/min, burst 20) is measured by its access test with the real
                  // figures; here it would leave the fuzz test's one key a burst of 20 calls.
                  RATE_LIMIT_REQUESTS_PER_MINUTE: "100000",
                  RATE_LIMIT_BURST: "100000",
                },
                // A real queue nobody consumes: tests that must enqueue before any consumer runs send the
                // engine's wake-ups here, then drive the real consumer themselves.
                queueProducers: { TASKS_HELD: { queueName: "test-tasks-held" } },
              },
            }),
          ],
          test: {
            name: "worker",
            include: ["test/worker/**/*.test.ts"],
            testTimeout: 30_000,
            setupFiles: ["./test/worker/setup/apply-migrations.ts", "./test/worker/setup/production-limits.ts"],
            globalSetup: ["./test/worker/setup/google-drive-fake.ts", "./test/worker/setup/messaging-fakes.ts", "./test/worker/setup/workers-ai-fake.ts"],
          },
        },
        {
          test: {
            name: "transcoder",
            environment: "node",
            include: ["test/transcoder/**/*.test.ts"],
            testTimeout: 60_000,
            hookTimeout: 120_000,
          },
        },
        {
          test: {
            name: "e2e",
            environment: "node",
            include: ["test/e2e/**/*.test.ts"],
            globalSetup: ["./test/e2e/setup/global-stack.ts"],
            testTimeout: 120_000,
            hookTimeout: 180_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
