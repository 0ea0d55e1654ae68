import { render } from "preact";
import { App } from "./app";
import { initialLanguage } from "./i18n";
import "./styles.css";

document.documentElement.lang = initialLanguage();
render(<App />, document.getElementById("root")!);
