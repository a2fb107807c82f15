// One polite live region for what just happened ("moved", "done", "could not move").
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

type Message = { text: string; tone: "info" | "error"; id: number };
const AnnouncerContext = createContext<(text: string, tone?: Message["tone"]) => void>(() => undefined);

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<Message | null>(null);
  const announce = useCallback((text: string, tone: Message["tone"] = "info") => {
    setMessage({ text, tone, id: Date.now() });
  }, []);
  const value = useMemo(() => announce, [announce]);
  return (
    <AnnouncerContext.Provider value={value}>
      {children}
      <div className={`toast ${message ? message.tone : ""}`} role={message?.tone === "error" ? "alert" : "status"}
        aria-live={message?.tone === "error" ? "assertive" : "polite"} data-testid="announcer">
        {message && <span key={message.id}>{message.text}</span>}
        {message && <button type="button" className="link" aria-label="×" onClick={() => setMessage(null)}>×</button>}
      </div>
    </AnnouncerContext.Provider>
  );
}

export const useAnnounce = () => useContext(AnnouncerContext);
