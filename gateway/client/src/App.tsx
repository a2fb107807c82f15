import { Suspense, useEffect, useState } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import type { QueryClient } from "@tanstack/react-query";
import { SessionProvider, useSession } from "./session";
import { AnnouncerProvider } from "./announcer";
import { Layout } from "./Layout";
import { ErrorPanel, Loading } from "./ui";
import { homeFor } from "./lib/nav";
import { screen, type Screen } from "./lib/screen";
import { contactsList, queryOf, savedViews } from "./lib/contactList";
import SignIn from "./routes/SignIn";
import NotFound from "./routes/NotFound";

// Each screen is its own chunk: the first load carries only the shell and sign-in.
const Contacts = screen(() => import("./routes/Contacts"));
const ContactEdit = screen(() => import("./routes/ContactEdit"));
const ContactDuplicates = screen(() => import("./routes/ContactDuplicates"));
const DuplicatesReport = screen(() => import("./routes/ContactDuplicates").then((module) => ({ default: module.DuplicatesReport })));
const ContactImport = screen(() => import("./routes/ContactImport"));
const Accounts = screen(() => import("./routes/Accounts"));
const Account360 = screen(() => import("./routes/Account360"));
const AccountEdit = screen(() => import("./routes/AccountEdit"));
const Contact360 = screen(() => import("./routes/Contact360"));
const Pipeline = screen(() => import("./routes/Pipeline"));
const MyDay = screen(() => import("./routes/MyDay"));
const Queue = screen(() => import("./routes/Queue"));
const TicketPage = screen(() => import("./routes/TicketPage"));
const Dashboards = screen(() => import("./routes/Dashboards"));
const Segments = screen(() => import("./routes/marketing/Segments"));
const SegmentEdit = screen(() => import("./routes/marketing/SegmentEdit"));
const Templates = screen(() => import("./routes/marketing/Templates"));
const TemplateEdit = screen(() => import("./routes/marketing/TemplateEdit"));
const Campaigns = screen(() => import("./routes/marketing/Campaigns"));
const CampaignNew = screen(() => import("./routes/marketing/CampaignNew"));
const CampaignPage = screen(() => import("./routes/marketing/CampaignPage"));
const Users = screen(() => import("./routes/admin/Users"));
const CustomFields = screen(() => import("./routes/admin/CustomFields"));
const ApiKeys = screen(() => import("./routes/admin/ApiKeys"));
const DealPage = screen(() => import("./routes/DealPage"));
const DealNew = screen(() => import("./routes/DealNew"));
const Forecast = screen(() => import("./routes/Forecast"));
const TeamBacklog = screen(() => import("./routes/TeamBacklog"));

// The screens people land on. On a cold load of one of them, its code (and for the contacts
// list its first page) is fetched while the session is being checked rather than after:
// that wait was a third of the load's time.
const LANDINGS: { path: RegExp; screen: Screen<object>; data?: (queries: QueryClient, search: URLSearchParams) => void }[] = [
  { path: /^\/contacts\/?$/, screen: Contacts, data: (queries, search) => {
    void queries.prefetchInfiniteQuery(contactsList(queryOf(search)));
    void queries.prefetchQuery(savedViews("contacts"));
  } },
  { path: /^\/pipeline\/?$/, screen: Pipeline },
  { path: /^\/my-day\/?$/, screen: MyDay },
  { path: /^\/queue\/?$/, screen: Queue },
];

/** Starts fetching what the landing screen at `where` needs; settles once its code is in. */
export function land(queries: QueryClient, where: Location): Promise<unknown> {
  const landing = LANDINGS.find(({ path }) => path.test(where.pathname));
  if (!landing) return Promise.resolve();
  landing.data?.(queries, new URLSearchParams(where.search));
  // A failure is not this one's to show: the screen shows it when it renders.
  return landing.screen.preload().catch(() => undefined);
}

// The customer portal: for contacts, outside the staff layout and session.
const Portal = screen(() => import("./routes/portal/Portal"));
const Survey = screen(() => import("./routes/portal/Survey"));

// True once `promise` has settled, either way.
function useSettled(promise: Promise<unknown>): boolean {
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    let mounted = true;
    void promise.finally(() => { if (mounted) setSettled(true); });
    return () => { mounted = false; };
  }, [promise]);
  return settled;
}

// `landing` is the landing screen's code being fetched: rendered before it arrives, the
// screen would suspend, and React holds a suspended screen back for 300 ms once it has
// shown the fallback, so the plain "Loading" stays up until both it and the session are in.
function Guarded({ landing }: { landing: Promise<unknown> }) {
  const { user, loading: checking, error, expire } = useSession();
  const loading = !useSettled(landing) || checking;
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

export function App({ landing }: { landing: Promise<unknown> }) {
  return (
    <BrowserRouter>
      <SessionProvider>
        <AnnouncerProvider>
          <Routes>
            <Route path="/sign-in" element={<SignIn />} />
            <Route path="/portal/*" element={<Suspense fallback={<Loading />}><Portal /></Suspense>} />
            <Route path="/survey/:token" element={<Suspense fallback={<Loading />}><Survey /></Suspense>} />
            <Route path="/*" element={<Guarded landing={landing} />} />
          </Routes>
        </AnnouncerProvider>
      </SessionProvider>
    </BrowserRouter>
  );
}
