import { useText } from "../i18n";

export function HomePage() {
  const t = useText();
  return (
    <>
      <h1>{t.homeHeading}</h1>
      <p>{t.homeIntro}</p>
      <p>
        <a href="/app/account">{t.navAccount}</a>
      </p>
    </>
  );
}

export function NotFoundPage() {
  const t = useText();
  return <h1>{t.notFoundHeading}</h1>;
}
