import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ApiError } from "./api/client";
import { setupI18n } from "./i18n";
import { App, land } from "./App";
import { meQuery } from "./session";
import "./styles.css";

setupI18n();

// A 401 anywhere means the session is gone: App sends the user to sign-in, then back.
const onExpired = (error: unknown) => {
  if (error instanceof ApiError && error.status === 401) window.dispatchEvent(new Event("crm:session-expired"));
};
const queries = new QueryClient({
  queryCache: new QueryCache({ onError: onExpired }),
  mutationCache: new MutationCache({ onError: onExpired }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

// Who is signed in and what the landing screen needs are all asked for at once, before the
// first render (App waits for the session and the screen's code before it shows it).
void queries.prefetchQuery(meQuery);
const landing = land(queries, window.location);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <App landing={landing} />
    </QueryClientProvider>
  </StrictMode>,
);
