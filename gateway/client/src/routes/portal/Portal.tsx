// The customer portal, for contacts rather than staff: its own header and navigation, its
// own session (opened by a mailed one-time link), and only the /api/v1/portal routes.
import { Link, Navigate, NavLink, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, unwrap, type Schemas } from "../../api/client";
import { addMessages } from "../../i18n";
import { LanguageSwitch } from "../../Layout";
import { supportMessages } from "../../messages/support";
import { ErrorPanel, Loading } from "../../ui";
import NotFound from "../NotFound";
import PortalSignIn from "./SignIn";
import { NewRequest, Request, Requests } from "./Requests";
import Help from "./Help";
import "../sales-support.css";

addMessages(supportMessages);

export const PORTAL_SESSION = ["portal", "session"];
const inPortal = { predicate: (query: { queryKey: readonly unknown[] }) => query.queryKey[0] === "portal" };

type PortalSession =
  | { state: "contact"; me: Schemas["PortalMeOut"] }
  | { state: "none" | "staff" | "ended" };

/** Who is signed in here: a contact, nobody (401), a member of staff, whose session is not
 * a contact's (403), or a contact merged or erased since (410). */
function usePortalSession() {
  return useQuery({
    queryKey: PORTAL_SESSION,
    queryFn: async (): Promise<PortalSession> => {
      try {
        return { state: "contact", me: await unwrap(api.GET("/api/v1/portal/me")) };
      } catch (error) {
        const states: Record<number, "none" | "staff" | "ended"> = { 401: "none", 403: "staff", 410: "ended" };
        if (error instanceof ApiError && states[error.status]) return { state: states[error.status]! };
        throw error;
      }
    },
    staleTime: Infinity,
  });
}

function PortalLayout({ me }: { me: Schemas["PortalMeOut"] }) {
  const { t } = useTranslation();
  const name = [me.first_name, me.last_name].filter(Boolean).join(" ") || me.email;
  const navigate = useNavigate();
  const queries = useQueryClient();
  async function signOut() {
    await api.DELETE("/api/v1/portal/session").catch(() => undefined);
    queries.removeQueries(inPortal);
    navigate("/portal/sign-in", { replace: true });
  }
  return (
    <>
      <a className="skip" href="#portal-content">{t("app.skip")}</a>
      <header className="portal-top">
        <Link className="brand" to="/portal">{t("portal.name")}</Link>
        <nav aria-label={t("portal.nav")}>
          <ul>
            <li><NavLink to="/portal" end>{t("portal.tickets")}</NavLink></li>
            <li><NavLink to="/portal/tickets/new">{t("portal.newTicket")}</NavLink></li>
            <li><NavLink to="/portal/help">{t("portal.help")}</NavLink></li>
          </ul>
        </nav>
        <div className="account">
          {name && <span className="who">{t("portal.signedInAs", { name })}</span>}
          <LanguageSwitch />
          <button type="button" onClick={() => void signOut()}>{t("portal.signOut")}</button>
        </div>
      </header>
      <main id="portal-content" className="page portal-page" tabIndex={-1}>
        <Routes>
          <Route index element={<Requests />} />
          <Route path="tickets/new" element={<NewRequest />} />
          <Route path="tickets/:id" element={<Request />} />
          <Route path="help" element={<Help />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </main>
    </>
  );
}

function Guarded() {
  const session = usePortalSession();
  const location = useLocation();
  if (session.isPending) return <main className="page"><Loading /></main>;
  if (session.isError) return <main className="page"><ErrorPanel error={session.error} retry={() => void session.refetch()} /></main>;
  if (session.data.state !== "contact") {
    const { state } = session.data;
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/portal/sign-in?next=${next}${state === "none" ? "" : `&why=${state}`}`} replace />;
  }
  return <PortalLayout me={session.data.me} />;
}

export default function Portal() {
  return (
    <Routes>
      <Route path="sign-in" element={<PortalSignIn />} />
      <Route path="*" element={<Guarded />} />
    </Routes>
  );
}
