/**
 * Seed 004's scheduled jobs as zod schemas. Fields, defaults and bounds are the document's (`interval_minutes`
 * at least 5); where it is silent (name length, the interval's upper bound) the choice is in the description.
 */
import { z } from "@hono/zod-openapi";
import { Mode, SourceValue } from "./schemas";

/** A year: longer intervals are more likely a unit mistake (seconds for minutes) than a wish. */
export const MAX_INTERVAL_MINUTES = 525_600;
export const MIN_INTERVAL_MINUTES = 5;

const Timestamp = z.string().openapi({ format: "date-time", example: "2025-01-16T10:00:00.000Z" });

/** Every field of the document's body, none defaulted: PATCH keeps what is absent, create adds the defaults. */
const fields = {
  name: z.string().trim().min(1).max(200).openapi({ example: "Daily Scrape - @khaby.lame" }),
  mode: Mode,
  value: SourceValue,
  limit: z.number().int().min(1).max(200).openapi({ description: "Videos per run (1-200)" }),
  no_watermark: z.boolean(),
  interval_minutes: z
    .number()
    .int()
    .min(MIN_INTERVAL_MINUTES)
    .max(MAX_INTERVAL_MINUTES)
    .openapi({ description: `Minutes between runs, ${MIN_INTERVAL_MINUTES} to ${MAX_INTERVAL_MINUTES} (a year)`, example: 1440 }),
  enabled: z.boolean(),
};

export const ScheduleCreate = z
  .object({
    ...fields,
    limit: fields.limit.default(50),
    no_watermark: fields.no_watermark.default(true),
    enabled: fields.enabled.default(true),
  })
  .openapi("ArchiverScheduleCreate", {
    example: { name: "Daily Scrape - @khaby.lame", mode: "profile", value: "khaby.lame", limit: 50, no_watermark: true, interval_minutes: 1440, enabled: true },
  });
export type ScheduleCreateInput = z.output<typeof ScheduleCreate>;

export const SchedulePatch = z
  .object(fields)
  .partial()
  .openapi("ArchiverSchedulePatch", { description: "The create body with every field optional: absent fields keep their value.", example: { interval_minutes: 720 } });
export type SchedulePatchInput = z.output<typeof SchedulePatch>;

export const Schedule = z
  .object({
    id: z.string(),
    name: z.string(),
    mode: Mode,
    value: z.string(),
    limit: z.number().int(),
    no_watermark: z.boolean(),
    interval_minutes: z.number().int(),
    enabled: z.boolean(),
    last_run_at: Timestamp.nullable().openapi({ description: "The slot of the latest run (when it was due), null before the first" }),
    next_run_at: Timestamp.openapi({ description: "When the next run is due; the cron pass (every minute) starts it at its first tick from then" }),
    total_runs: z.number().int().nonnegative().openapi({ description: "Jobs this schedule created that still exist (any status)" }),
    successful_runs: z.number().int().nonnegative().openapi({ description: "Of those, jobs completed" }),
    failed_runs: z.number().int().nonnegative().openapi({ description: "Of those, jobs failed" }),
    created_at: Timestamp,
  })
  .openapi("ArchiverSchedule");
export type ScheduleView = z.infer<typeof Schedule>;

const TRUE_WORDS = ["true", "1", "yes", "on", "t", "y"];
const FALSE_WORDS = ["false", "0", "no", "off", "f", "n"];

/** A query-string boolean spelled as FastAPI (pydantic) accepts it, any case; anything else is a 422. */
const QueryBool = z
  .string()
  .transform((v, ctx) => {
    const word = v.trim().toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
    ctx.addIssue({ code: "custom", message: "value could not be parsed to a boolean (true or false)" });
    return z.NEVER;
  })
  .openapi({ type: "string", enum: ["true", "false"] });

export const ScheduleListQuery = z.object({ enabled: QueryBool.optional() });
