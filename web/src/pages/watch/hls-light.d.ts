/** hls.js ships no declarations for its light build; its API is the full build's, minus features we do not use. */
declare module "hls.js/light" {
  export { default } from "hls.js";
  export * from "hls.js";
}
