/**
 * The app's pages in navigation order; the router and the home page are built from this list. Each page
 * is its own chunk, loaded when first visited, so the first page's JavaScript stays small (a player or a
 * chart library is loaded only by the page that uses it).
 */
import { lazy } from "preact-iso";

export const PAGES = [
  { path: "/app/save", component: lazy(() => import("./pages/save").then((m) => m.SavePage)), label: "navSave" },
  { path: "/app/watch", component: lazy(() => import("./pages/watch").then((m) => m.WatchPage)), label: "navWatch" },
  { path: "/app/upload", component: lazy(() => import("./pages/upload").then((m) => m.UploadPage)), label: "navUpload" },
  { path: "/app/archive", component: lazy(() => import("./pages/archive").then((m) => m.ArchivePage)), label: "navArchive" },
  { path: "/app/studio", component: lazy(() => import("./pages/studio").then((m) => m.StudioPage)), label: "navStudio" },
  { path: "/app/account", component: lazy(() => import("./pages/account").then((m) => m.AccountPage)), label: "navAccount" },
] as const;
