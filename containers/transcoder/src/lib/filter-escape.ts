/**
 * Quoting for values placed inside an ffmpeg filtergraph (`-filter_complex`). A value passes two parsers:
 * the filter's option parser (`key=value:key=value`, where `\`, `'` and `:` are special) and then the
 * graph parser (`,` `;` `[` `]` separate filters and pads, `\` and `'` quote). Escaping for the first,
 * then the result for the second, lets any path or text through literally (ffmpeg-filters(1),
 * "Notes on filtergraph escaping").
 */
const OPTION_SPECIALS = /[\\':]/g;
const GRAPH_SPECIALS = /[\\'[\],;]/g;

export const filterValue = (value: string): string => value.replace(OPTION_SPECIALS, "\\$&").replace(GRAPH_SPECIALS, "\\$&");
