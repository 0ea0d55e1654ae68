/** English interface text. The shape of this dictionary is the type every other language must fill. */
export const en = {
  languageName: "English",
  appTitle: "Media platform",
  skipToContent: "Skip to content",
  navMain: "Main",
  navHome: "Home",
  navAccount: "Account",
  navApiDocs: "API documentation",
  navSave: "Save & convert",
  navWatch: "Watch",
  navUpload: "Upload",
  navArchive: "Archive",
  navStudio: "Studio",
  signInRequired: "Sign in on the Account page to use this page.",
  homeIntro: "Save, convert, watch, upload and archive media, and edit it in the studio.",
  languageLabel: "Language",
  homeHeading: "Media platform",
  notFoundHeading: "Page not found",
  working: "Working…",
  networkError: "The platform could not be reached. Check your connection and try again.",
  errorRateLimited: "Too many requests in a short time. Wait a minute and try again.",
  errorOther: "Something went wrong (HTTP {status}).",
};

export type Dictionary = { readonly [K in keyof typeof en]: string };
