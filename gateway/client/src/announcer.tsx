// One polite live region for what just happened ("moved", "done", "could not move").
import { useTranslation } from "react-i18next";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

const SHOWN_MS = 8_000;

type Message = { text: string; tone: "info" | "error"; id: number };
const AnnouncerContext = createContext<(text: string, tone?: Message["tone"]) => void>(() => undefined);

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [message, setMessage] = useState<Message | null>(null);
  const announce = useCallback((text: string, tone: Message["tone"] = "info") => {
    setMessage({ text, tone, id: Date.now() });
  }, []);
  const value = useMemo(() => announce, [announce]);
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(null), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [message]);
  return (
    <AnnouncerContext.Provider value={value}>
      {children}
      <div className={`toast ${message ? message.tone : ""}`} role={message?.tone === "error" ? "alert" : "status"}
        aria-live={message?.tone === "error" ? "assertive" : "polite"} data-testid="announcer">
        {message && <span key={message.id}>{message.text}</span>}
        {message && <button type="button" className="link" aria-label={t("app.dismiss")} onClick={() => setMessage(null)}>×</button>}
      </div>
    </AnnouncerContext.Provider>
  );
}

export const useAnnounce = () => useContext(AnnouncerContext);
