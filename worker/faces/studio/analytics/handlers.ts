/** HTTP for the analytics routes: validated query in, the aggregates' answer out (reads are not recorded). */
import type { AppRouteHandler } from "../../../lib/app-context";
import type { StatsRoute, TopRoute } from "./routes";
import { studioStats, topUrls } from "./stats";

export const stats: AppRouteHandler<StatsRoute> = async (c) => c.json(await studioStats(c.env, c.req.valid("query").days), 200);

export const top: AppRouteHandler<TopRoute> = async (c) => c.json(await topUrls(c.env, c.req.valid("query").limit), 200);
