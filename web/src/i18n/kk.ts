/** Kazakh interface text. */
import type { Dictionary } from "./en";

export const kk: Dictionary = {
  languageName: "Қазақша",
  appTitle: "Медиа платформа",
  skipToContent: "Мазмұнға өту",
  navMain: "Негізгі",
  navHome: "Басты бет",
  navAccount: "Тіркелгі",
  navApiDocs: "API құжаттамасы",
  navSave: "Сақтау және түрлендіру",
  navWatch: "Көру",
  navUpload: "Жүктеп салу",
  navArchive: "Мұрағат",
  navStudio: "Студия",
  signInRequired: "Бұл бетті пайдалану үшін «Тіркелгі» бетінде кіріңіз.",
  homeIntro: "Медианы сақтаңыз, түрлендіріңіз, көріңіз, жүктеп салыңыз, мұрағаттаңыз және студияда өңдеңіз.",
  languageLabel: "Тіл",
  homeHeading: "Медиа платформа",
  notFoundHeading: "Бет табылмады",
  working: "Орындалуда…",
  networkError: "Платформаға қосылу мүмкін болмады. Байланысты тексеріп, қайталап көріңіз.",
  errorRateLimited: "Қысқа уақытта сұраулар тым көп. Бір минут күтіп, қайталап көріңіз.",
  errorOther: "Бірдеңе дұрыс болмады (HTTP {status}).",
};
