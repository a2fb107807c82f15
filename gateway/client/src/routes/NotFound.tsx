import { Link } from "react-router-dom";
import { useTranslation } from "react-i18next";

export default function NotFound() {
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t("app.notFound")}</h1>
      <p><Link to="/">{t("app.home")}</Link></p>
    </section>
  );
}
