// Who is signed in. The session itself is an httpOnly cookie the page cannot read: the
// client asks /auth/me, and any 401 later sends the user to sign-in and back.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, unwrap, type User } from "./api/client";

type Session = {
  user: User | null;
  loading: boolean;
  error: ApiError | null;
  signedIn: (user: User) => void;
  signOut: () => Promise<void>;
  expired: boolean;
  expire: () => void;
};

const SessionContext = createContext<Session | null>(null);
const ME = ["me"];

// Who is signed in, or null when nobody is. main.tsx asks before the first render, so the
// answer is on its way while the page's code is still being run.
export const meQuery = queryOptions({
  queryKey: ME,
  queryFn: async (): Promise<User | null> => {
    try {
      return await unwrap(api.GET("/api/v1/auth/me"));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
  staleTime: Infinity,
  retry: false,
});
// Another user's data must not outlive their session; the session query itself stays, so
// that the components watching it see the change.
const notMe = { predicate: (query: { queryKey: readonly unknown[] }) => query.queryKey[0] !== "me" };

export function SessionProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const [expired, setExpired] = useState(false);
  const me = useQuery(meQuery);
  const signedIn = useCallback((user: User) => {
    setExpired(false);
    queries.removeQueries(notMe);
    queries.setQueryData(ME, user);
  }, [queries]);
  const signOut = useCallback(async () => {
    await api.DELETE("/api/v1/auth/session").catch(() => undefined);
    queries.removeQueries(notMe);
    queries.setQueryData(ME, null);
  }, [queries]);
  const expire = useCallback(() => {
    setExpired(true);
    queries.setQueryData(ME, null);
  }, [queries]);
  const value = useMemo<Session>(() => ({
    user: me.data ?? null,
    loading: me.isPending,
    error: me.error instanceof ApiError ? me.error : me.error ? new ApiError(0, String(me.error), undefined, {}) : null,
    signedIn, signOut, expired, expire,
  }), [me.data, me.isPending, me.error, signedIn, signOut, expired, expire]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
