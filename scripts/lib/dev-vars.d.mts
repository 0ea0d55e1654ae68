/** See dev-vars.mjs: the settings `npm run setup` writes to .dev.vars, name → value. */
export function devVars(): Record<string, string>;
