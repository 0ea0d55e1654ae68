/** The shell: skip link, navigation, language switcher, and the routed page under /app/. */
import { useState } from "preact/hooks";
import { LocationProvider, Route, Router, useLocation } from "preact-iso";
import { DICTIONARIES, initialLanguage, isLanguage, LanguageContext, rememberLanguage, useText, type Language } from "./i18n";
import { HomePage, NotFoundPage } from "./pages/home";
import { PAGES } from "./pages";

function LanguageSwitcher({ language, onChange }: { language: Language; onChange: (l: Language) => void }) {
  const t = useText();
  return (
    <label class="language">
      {t.languageLabel}{" "}
      <select value={language} onChange={(e) => isLanguage(e.currentTarget.value) && onChange(e.currentTarget.value)}>
        {Object.entries(DICTIONARIES).map(([code, dictionary]) => (
          <option key={code} value={code} lang={code}>
            {dictionary.languageName}
          </option>
        ))}
      </select>
    </label>
  );
}

function Shell({ language, setLanguage }: { language: Language; setLanguage: (l: Language) => void }) {
  const t = useText();
  const { path } = useLocation();
  // Screen readers announce the current page's link as such; the style marks it for everyone else.
  const current = (href: string) => (path === href ? "page" : undefined);
  return (
    <>
      <a class="skip" href="#main">{t.skipToContent}</a>
      <header>
        <nav aria-label={t.navMain}>
          <a href="/app/" aria-current={current("/app/")}>
            {t.navHome}
          </a>
          {PAGES.map((page) => (
            <a key={page.path} href={page.path} aria-current={current(page.path)}>
              {t[page.label]}
            </a>
          ))}
          {/* A full page load: /docs is served by the Worker, not by this app. */}
          <a href="/docs" target="_self">{t.navApiDocs}</a>
        </nav>
        <LanguageSwitcher language={language} onChange={setLanguage} />
      </header>
      <main id="main" tabIndex={-1}>
        <Router>
          <Route path="/app/" component={HomePage} />
          {PAGES.map((page) => (
            <Route key={page.path} path={page.path} component={page.component} />
          ))}
          <Route default component={NotFoundPage} />
        </Router>
      </main>
    </>
  );
}

export function App() {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const setLanguage = (next: Language) => {
    rememberLanguage(next);
    setLanguageState(next);
  };
  return (
    <LanguageContext.Provider value={{ language, setLanguage }}>
      <LocationProvider>
        <Shell language={language} setLanguage={setLanguage} />
      </LocationProvider>
    </LanguageContext.Provider>
  );
}
