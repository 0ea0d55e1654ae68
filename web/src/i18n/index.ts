/**
 * The interface language, chosen by the switcher (remembered in localStorage, which holds nothing else) or
 * else by the browser's preferred languages. The shell's text is one dictionary module per language; each
 * page keeps its own text beside it (`defineText` in pages/<page>/text.ts), so a page's words live with it.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { en, type Dictionary } from "./en";
import { kk } from "./kk";
import { ru } from "./ru";

export const DICTIONARIES = { en, kk, ru } as const satisfies Record<string, Dictionary>;
export type Language = keyof typeof DICTIONARIES;

const STORAGE_KEY = "media-platform.language";

export function isLanguage(value: string | null | undefined): value is Language {
  return value != null && Object.hasOwn(DICTIONARIES, value);
}

export function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (isLanguage(saved)) return saved;
  for (const tag of navigator.languages) {
    const base = tag.toLowerCase().split("-")[0];
    if (isLanguage(base)) return base;
  }
  return "en";
}

export function rememberLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
}

export const LanguageContext = createContext<{ language: Language; setLanguage: (l: Language) => void }>({
  language: "en",
  setLanguage: () => undefined,
});

/** The current language's dictionary. */
export function useText(): Dictionary {
  return DICTIONARIES[useContext(LanguageContext).language];
}

/** A page's text in every language: Kazakh and Russian must fill exactly the keys English has. */
export function defineText<T extends Record<string, string>>(texts: { en: T } & { [L in Exclude<Language, "en">]: { readonly [K in keyof T]: string } }): Record<Language, { readonly [K in keyof T]: string }> {
  return texts;
}

/** The current language's entry of a page's `defineText` table. */
export function usePageText<T>(texts: Record<Language, T>): T {
  return texts[useContext(LanguageContext).language];
}
