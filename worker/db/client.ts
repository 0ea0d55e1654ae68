import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/** A drizzle handle over the D1 binding. Cheap to create; one per request or task run. */
export const getDb = (env: Pick<Env, "DB">) => drizzle(env.DB, { schema });
export type Db = ReturnType<typeof getDb>;
