/** Russian interface text. */
import type { Dictionary } from "./en";

export const ru: Dictionary = {
  languageName: "Русский",
  appTitle: "Медиаплатформа",
  skipToContent: "Перейти к содержимому",
  navMain: "Основная",
  navHome: "Главная",
  navAccount: "Аккаунт",
  navApiDocs: "Документация API",
  navSave: "Сохранить и конвертировать",
  navWatch: "Смотреть",
  navUpload: "Загрузить",
  navArchive: "Архив",
  navStudio: "Студия",
  signInRequired: "Чтобы пользоваться этой страницей, войдите на странице «Аккаунт».",
  homeIntro: "Сохраняйте, конвертируйте, смотрите, загружайте и архивируйте медиа, редактируйте его в студии.",
  languageLabel: "Язык",
  homeHeading: "Медиаплатформа",
  notFoundHeading: "Страница не найдена",
  working: "Выполняется…",
  networkError: "Не удалось связаться с платформой. Проверьте подключение и попробуйте снова.",
  errorRateLimited: "Слишком много запросов за короткое время. Подождите минуту и попробуйте снова.",
  errorOther: "Что-то пошло не так (HTTP {status}).",
};
