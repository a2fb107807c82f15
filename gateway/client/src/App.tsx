import { lazy, Suspense, useEffect } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { SessionProvider, useSession } from "./session";
import { AnnouncerProvider } from "./announcer";
import { Layout } from "./Layout";
import { ErrorPanel, Loading } from "./ui";
import { homeFor } from "./lib/nav";
import SignIn from "./routes/SignIn";
import NotFound from "./routes/NotFound";

// Each screen is its own chunk: the first load carries only the shell and sign-in.
const loadContacts = () => import("./routes/Contacts");
const Contacts = lazy(loadContacts);
const ContactEdit = lazy(() => import("./routes/ContactEdit"));
const ContactDuplicates = lazy(() => import("./routes/ContactDuplicates"));
const DuplicatesReport = lazy(() => import("./routes/ContactDuplicates").then((module) => ({ default: module.DuplicatesReport })));
const ContactImport = lazy(() => import("./routes/ContactImport"));
const Accounts = lazy(() => import("./routes/Accounts"));
const Account360 = lazy(() => import("./routes/Account360"));
const AccountEdit = lazy(() => import("./routes/AccountEdit"));
const Contact360 = lazy(() => import("./routes/Contact360"));
const loadPipeline = () => import("./routes/Pipeline");
const Pipeline = lazy(loadPipeline);
const loadMyDay = () => import("./routes/MyDay");
const MyDay = lazy(loadMyDay);
const loadQueue = () => import("./routes/Queue");
const Queue = lazy(loadQueue);
const TicketPage = lazy(() => import("./routes/TicketPage"));
const Dashboards = lazy(() => import("./routes/Dashboards"));
const Segments = lazy(() => import("./routes/marketing/Segments"));
const SegmentEdit = lazy(() => import("./routes/marketing/SegmentEdit"));
const Templates = lazy(() => import("./routes/marketing/Templates"));
const TemplateEdit = lazy(() => import("./routes/marketing/TemplateEdit"));
const Campaigns = lazy(() => import("./routes/marketing/Campaigns"));
const CampaignNew = lazy(() => import("./routes/marketing/CampaignNew"));
const CampaignPage = lazy(() => import("./routes/marketing/CampaignPage"));
const Users = lazy(() => import("./routes/admin/Users"));
const CustomFields = lazy(() => import("./routes/admin/CustomFields"));
const ApiKeys = lazy(() => import("./routes/admin/ApiKeys"));
const DealPage = lazy(() => import("./routes/DealPage"));
const DealNew = lazy(() => import("./routes/DealNew"));
const Forecast = lazy(() => import("./routes/Forecast"));
const TeamBacklog = lazy(() => import("./routes/TeamBacklog"));

// The screens people land on: on a cold load of one of them, its code is fetched while the
// session is being checked rather than after (that wait was a third of the load's time).
const LANDINGS: [RegExp, () => Promise<unknown>][] = [
  [/^\/contacts\/?$/, loadContacts], [/^\/pipeline\/?$/, loadPipeline],
  [/^\/my-day\/?$/, loadMyDay], [/^\/queue\/?$/, loadQueue],
];

export function preloadScreen(path: string): void {
  const found = LANDINGS.find(([pattern]) => pattern.test(path));
  if (found) void found[1]().catch(() => undefined);  // a failure shows when the screen renders
}

// The customer portal: for contacts, outside the staff layout and session.
const Portal = lazy(() => import("./routes/portal/Portal"));
const Survey = lazy(() => import("./routes/portal/Survey"));

function Guarded() {
  const { user, loading, error, expire } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  useEffect(() => {
    const onExpired = () => {
      expire();
      navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    };
    window.addEventListener("crm:session-expired", onExpired);
    return () => window.removeEventListener("crm:session-expired", onExpired);
  }, [expire, navigate, location]);
  if (loading) return <Loading />;
  if (error) return <main className="page"><ErrorPanel error={error} retry={() => window.location.reload()} /></main>;
  if (!user) {
    return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  return (
    <Layout user={user}>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<Navigate to={homeFor(user.permissions)} replace />} />
          <Route path="/contacts" element={<Contacts />} />
          <Route path="/contacts/new" element={<ContactEdit />} />
          <Route path="/contacts/import" element={<ContactImport />} />
          <Route path="/contacts/duplicates" element={<DuplicatesReport />} />
          <Route path="/contacts/:id" element={<Contact360 />} />
          <Route path="/contacts/:id/edit" element={<ContactEdit />} />
          <Route path="/contacts/:id/duplicates" element={<ContactDuplicates />} />
          <Route path="/accounts" element={<Accounts />} />
          <Route path="/accounts/new" element={<AccountEdit />} />
          <Route path="/accounts/:id" element={<Account360 />} />
          <Route path="/accounts/:id/edit" element={<AccountEdit />} />
          <Route path="/pipeline" element={<Pipeline />} />
          <Route path="/my-day" element={<MyDay />} />
          <Route path="/queue" element={<Queue />} />
          <Route path="/tickets/:id" element={<TicketPage />} />
          <Route path="/deals/new" element={<DealNew />} />
          <Route path="/deals/:id" element={<DealPage />} />
          <Route path="/forecast" element={<Forecast />} />
          <Route path="/backlog" element={<TeamBacklog />} />
          <Route path="/dashboards" element={<Dashboards />} />
          <Route path="/dashboards/:role" element={<Dashboards />} />
          <Route path="/marketing" element={<Navigate to="/marketing/segments" replace />} />
          <Route path="/marketing/segments" element={<Segments />} />
          <Route path="/marketing/segments/new" element={<SegmentEdit />} />
          <Route path="/marketing/segments/:id" element={<SegmentEdit />} />
          <Route path="/marketing/templates" element={<Templates />} />
          <Route path="/marketing/templates/new" element={<TemplateEdit />} />
          <Route path="/marketing/templates/:id" element={<TemplateEdit />} />
          <Route path="/marketing/campaigns" element={<Campaigns />} />
          <Route path="/marketing/campaigns/new" element={<CampaignNew />} />
          <Route path="/marketing/campaigns/:id" element={<CampaignPage />} />
          <Route path="/admin" element={<Navigate to="/admin/users" replace />} />
          <Route path="/admin/users" element={<Users />} />
          <Route path="/admin/custom-fields" element={<CustomFields />} />
          <Route path="/admin/api-keys" element={<ApiKeys />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <AnnouncerProvider>
          <Routes>
            <Route path="/sign-in" element={<SignIn />} />
            <Route path="/portal/*" element={<Suspense fallback={<Loading />}><Portal /></Suspense>} />
            <Route path="/survey/:token" element={<Suspense fallback={<Loading />}><Survey /></Suspense>} />
            <Route path="/*" element={<Guarded />} />
          </Routes>
        </AnnouncerProvider>
      </SessionProvider>
    </BrowserRouter>
  );
}
