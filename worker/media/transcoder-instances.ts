/**
 * How many transcoder containers run at most. The Worker spreads tasks over exactly this many instance
 * names, and `max_instances` of the `[[containers]]` section in wrangler.toml must equal it (a test
 * reads wrangler.toml and compares): with fewer allowed instances some names could never start, with
 * more some would never be used. Kept free of imports so Node-side tests can read it.
 */
export const TRANSCODER_INSTANCES = 4;
