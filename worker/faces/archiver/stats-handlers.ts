/** Seed 004's statistics and health handlers. */
import type { AppRouteHandler } from "../../lib/app-context";
import type * as R from "./stats-routes";
import * as stats from "./stats";

export const statsGet: AppRouteHandler<R.StatsGetRoute> = async (c) => c.json(await stats.systemStats(c.env), 200);

export const statsHealth: AppRouteHandler<R.StatsHealthRoute> = async (c) => c.json(await stats.healthReport(c.env), 200);
