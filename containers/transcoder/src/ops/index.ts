/**
 * The operations this transcoder runs, one per row of the protocol's TRANSCODER_OPERATIONS. The type
 * makes a protocol row without an implementation (or an implementation of another row) a compile error;
 * the server builds its routes from this list.
 */
import type { TranscoderOperation } from "../../../../protocol/transcoder.ts";
import type { OperationDefinition } from "../lib/run-operation.ts";
import { analyzeOperation } from "./analyze.ts";
import { compressOperation } from "./compress.ts";
import { editOperation } from "./edit.ts";
import { fetchOperation } from "./fetch.ts";
import { hlsOperation } from "./hls.ts";
import { listOperation } from "./list.ts";
import { probeOperation } from "./probe.ts";
import { thumbnailOperation } from "./thumbnail.ts";

export const OPERATIONS: { readonly [Op in TranscoderOperation]: OperationDefinition<Op> } = {
  fetch: fetchOperation,
  probe: probeOperation,
  hls: hlsOperation,
  thumbnail: thumbnailOperation,
  list: listOperation,
  analyze: analyzeOperation,
  edit: editOperation,
  compress: compressOperation,
};
