// The customer portal, for contacts rather than staff: its own header and navigation, its
// own session (opened by a mailed one-time link), and only the /api/v1/portal routes.
import { Link, Navigate, NavLink, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, unwrap } from "../../api/client";
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

/** Whether a contact is signed in here: any portal call answers 401 otherwise, and 403 to
 * a member of staff (whose session is not a contact's). */
function usePortalSession() {
  return useQuery({
    queryKey: PORTAL_SESSION,
    queryFn: async () => {
      try {
        await unwrap(api.GET("/api/v1/portal/tickets", { params: { query: { limit: 1 } } }));
        return "contact" as const;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return "none" as const;
        if (error instanceof ApiError && error.status === 403) return "staff" as const;
        if (error instanceof ApiError && error.status === 410) return "ended" as const;
        throw error;
      }
    },
    staleTime: Infinity,
  });
}

function PortalLayout() {
  const { t } = useTranslation();
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
  if (session.data !== "contact") {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/portal/sign-in?next=${next}${session.data === "none" ? "" : `&why=${session.data}`}`} replace />;
  }
  return <PortalLayout />;
}

export default function Portal() {
  return (
    <Routes>
      <Route path="sign-in" element={<PortalSignIn />} />
      <Route path="*" element={<Guarded />} />
    </Routes>
  );
}
