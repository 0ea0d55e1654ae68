import { PAGES } from "../pages";
import { useText } from "../i18n";

export function HomePage() {
  const t = useText();
  return (
    <>
      <h1>{t.homeHeading}</h1>
      <p>{t.homeIntro}</p>
      <ul class="page-links">
        {PAGES.map((page) => (
          <li key={page.path}>
            <a href={page.path}>{t[page.label]}</a>
          </li>
        ))}
      </ul>
    </>
  );
}

export function NotFoundPage() {
  const t = useText();
  return <h1>{t.notFoundHeading}</h1>;
}
